import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { OsKeychain } from '../../../electron/keychain/os-keychain';
import { bundleCli, runCliProcess } from '../../support/cli-process';

const run = promisify(execFile);

/** Runs the real CLI as a child process, writing `stdin` to it (how a script pipes a password). */
function lifeboat(cli: string, home: string, args: string[], stdin: string) {
  return runCliProcess(cli, args, { ...process.env, LIFEBOAT_HOME: home }, stdin);
}

describe('lifeboat connect as a real process (piped stdin and a real terminal)', () => {
  let lab: RunningLab;
  let dir: string;
  let cli: string;
  beforeAll(async () => {
    lab = await startVcsim({ mode: 'vcenter' });
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-connect-proc-'));
    cli = await bundleCli('connect');
  });
  afterAll(async () => {
    await new OsKeychain().delete(`${lab.info.username}@${new URL(lab.info.url).host}`).catch(() => false);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(cli, { force: true });
  });

  it('adds with --password-stdin and --trust-thumbprint, then tests the saved connection', async () => {
    const home = join(dir, 'home');
    const add = await lifeboat(cli, home, ['connect', 'add', lab.info.url, '--user', lab.info.username, '--name', 'lab', '--password-stdin', '--trust-thumbprint', lab.info.thumbprintSha256], `${lab.info.password}\n`);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/Saved connection lab/);
    expect(add.stderr).toMatch(/Reading the certificate/);
    const test = await lifeboat(cli, home, ['--json', 'connect', 'test', 'lab'], '');
    expect(test.code, test.stderr).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ ok: true, apiType: 'VirtualCenter' });
    const saved = await readFile(join(home, 'connections.json'), 'utf8');
    expect(saved).not.toContain(lab.info.password);
    expect(add.stdout + add.stderr + test.stdout + test.stderr).not.toContain(lab.info.password);
    // Nothing lingers on disk under the home folder that holds the password.
    const { stdout: grep } = await run('grep', ['-rlF', '--', lab.info.password, home]).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    expect(grep).toBe('');
    expect((await lifeboat(cli, home, ['connect', 'remove', 'lab'], '')).code).toBe(0);
  });

  it('explains the usage when --user is missing', async () => {
    const r = await lifeboat(cli, join(dir, 'home2'), ['connect', 'add', lab.info.url], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--user/);
  });
  it('on a terminal: asks to trust, reads the password without echo, and saves', async () => {
    const home = join(dir, 'home-tty');
    const spec = {
      argv: [process.execPath, cli, 'connect', 'add', lab.info.url, '--user', lab.info.username, '--name', 'tty'],
      answers: [
        ['Trust this certificate? [y/N]', 'y\n'],
        ['Password for', `${lab.info.password}\r`],
      ],
    };
    const { stdout } = await run('python3', [join(process.cwd(), 'test/integration/connections/pty-session.py'), JSON.stringify(spec)], {
      env: { ...process.env, LIFEBOAT_HOME: home },
      timeout: 60_000,
    });
    expect(stdout).toContain(`SHA-256: ${lab.info.thumbprintSha256}`);
    expect(stdout).toContain(`Password for ${lab.info.username}@${new URL(lab.info.url).host}:`);
    expect(stdout).toMatch(/Saved connection tty/);
    expect(stdout).not.toContain(lab.info.password);
    expect(stdout.trim().endsWith('EXIT 0')).toBe(true);
    expect(JSON.parse(await readFile(join(home, 'connections.json'), 'utf8')).connections[0].name).toBe('tty');
    const removed = await lifeboat(cli, home, ['connect', 'remove', 'tty'], '');
    expect(removed.code).toBe(0);
  });
});
