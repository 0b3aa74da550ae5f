import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderFiles, tempDir } from '../../unit/repository/repository-fixtures';
import { bundleCli, runCliProcess } from '../../support/cli-process';

// The real CLI in a child process, password piped into its stdin; a bare environment so no password source leaks in.
let bundle = '';

async function run(
  args: string[],
  stdin: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  const r = await runCliProcess(bundle, args, { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdin);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('lifeboat repo in a child process', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    bundle = await bundleCli('repo');
  });
  afterAll(() => cleanup());

  it('reads the password from stdin, rejects a wrong one, and never leaks it', async () => {
    const repo = join(dir, 'repo');
    const secret = 'piped-stdin-password-42';
    const init = await run(['repo', 'init', '--repo', repo, '--password-stdin', '--json'], `${secret}\n`);
    expect(init.code, init.err).toBe(0);
    expect(JSON.parse(init.out).ok).toBe(true);

    const list = await run(['repo', 'list', '--repo', repo, '--password-stdin'], `${secret}\n`);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/0 restore point\(s\)/);

    const wrong = await run(['repo', 'verify', '--repo', repo, '--password-stdin'], 'guess\n');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('lifeboat: the repository password is wrong');

    const envFile = join(dir, 'pwfile');
    await (await import('node:fs/promises')).writeFile(envFile, secret);
    const viaEnv = await run(['repo', 'verify', '--repo', repo], '', {
      LIFEBOAT_REPO_PASSWORD_FILE: envFile,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    });
    expect(viaEnv.code, viaEnv.err).toBe(0);

    for (const r of [init, list, wrong, viaEnv]) expect(r.out + r.err).not.toContain(secret);
    for (const f of await folderFiles(repo)) expect((await readFile(f)).includes(Buffer.from(secret))).toBe(false);
  });
});
