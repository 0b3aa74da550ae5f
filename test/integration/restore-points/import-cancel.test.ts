import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/cli-output';
import { runCli } from '../../../electron/cli/main';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { pseudoRandomBytes } from '../../../electron/restore-points/demo-disk-layout';

const PASSWORD = 'import-cancel-pw';
const MiB = 1024 * 1024;

describe('lifeboat import and Ctrl+C', () => {
  let dir: string;
  let repo: string;
  let pwFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-import-cancel-'));
    repo = join(dir, 'repo');
    pwFile = join(dir, 'pw');
    await writeFile(pwFile, `${PASSWORD}\n`);
    await Repository.init(new LocalFolderBackend(repo), PASSWORD, { kdf: { name: 'scrypt', N: 1024, r: 8, p: 1 } });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops at the next piece, exits 130 saying no restore point was made, and lists none', async () => {
    const raw = join(dir, 'disk.raw');
    await writeFile(raw, pseudoRandomBytes(48 * MiB, 3));
    let interrupted = false;
    const io: CliIo & { err: string } = {
      err: '',
      interactive: false,
      stdout: () => undefined,
      // The first progress line: the import is under way; the user presses Ctrl+C.
      stderr: (t: string) => {
        io.err += t;
        if (!interrupted && t.startsWith('import')) {
          interrupted = true;
          process.emit('SIGINT');
        }
      },
    };
    const listeners = process.listenerCount('SIGINT');
    const code = await runCli(['import', '--repo', repo, '--password-file', pwFile, raw], io);
    expect(interrupted).toBe(true);
    expect(code).toBe(130);
    expect(io.err).toMatch(/import of .*disk\.raw cancelled \(Ctrl\+C\): no restore point was made/);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    const reopened = await Repository.open(new LocalFolderBackend(repo), PASSWORD);
    expect(await reopened.listPoints()).toEqual([]);
  });
});
