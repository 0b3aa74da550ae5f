import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/cli-output';
import { runCli } from '../../../electron/cli/main';
import { OsKeychain } from '../../../electron/keychain/os-keychain';
import { tempDir } from '../../unit/repository/repository-fixtures';

// Runs against the real Secret Service (gnome-keyring under dbus-run-session, as `npm test` does).
function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    interactive: false,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

describe('repository password in the OS keychain', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let repoId = '';
  const keychain = new OsKeychain();

  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(async () => {
    if (repoId) await keychain.delete(`repo:${repoId}`);
    await cleanup();
  });

  it('init --remember saves it under repo:<id>; later commands need no password source', async () => {
    const pwFile = join(dir, 'pw');
    await writeFile(pwFile, 'keychain-integration-pw\n', { mode: 0o600 });
    const repo = join(dir, 'repo');
    const init = capture();
    expect(await runCli(['repo', 'init', '--repo', repo, '--password-file', pwFile, '--remember', '--json'], init)).toBe(0);
    const created = JSON.parse(init.out);
    repoId = created.id;
    expect(created.remembered).toBe(true);
    expect(await keychain.get(`repo:${repoId}`)).toBe('keychain-integration-pw');

    const list = capture();
    expect(await runCli(['repo', 'list', '--repo', repo, '--json'], list)).toBe(0);
    expect(JSON.parse(list.out).repository.id).toBe(repoId);
    expect(list.out + list.err + init.out + init.err).not.toContain('keychain-integration-pw');
  });
});
