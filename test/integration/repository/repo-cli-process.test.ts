import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderFiles, tempDir } from '../../unit/repository/repository-fixtures';

// The real CLI in a child process, password piped into its stdin.
const root = resolve(__dirname, '../../..');
const bundle = join(root, 'test-output', 'repository', 'lifeboat-cli.cjs');

function run(args: string[], stdin: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['-e', `require(${JSON.stringify(bundle)}).runCli(process.argv.slice(1)).then((c) => { process.exitCode = c; })`, ...args],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, out, err }));
    child.stdin.end(stdin);
  });
}

describe('lifeboat repo in a child process', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(root, 'test-output', 'repository'), { recursive: true });
    await build({
      entryPoints: [join(root, 'electron/cli/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      outfile: bundle,
      logLevel: 'silent',
    });
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
