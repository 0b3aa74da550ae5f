import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Runs the bundled CLI as a child process with `stdin` piped in. */
function lifeboat(
  cli: string,
  home: string,
  args: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, LIFEBOAT_HOME: home, LIFEBOAT_REPO: '', LIFEBOAT_REPO_PASSWORD_FILE: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('lifeboat demo as a real process', () => {
  let dir: string;
  let cli: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-demo-proc-'));
    // Inside the project so npm packages and resources/demo are found as in a build.
    cli = join(process.cwd(), 'test-output', 'restore-points', `cli-${process.pid}.js`);
    await build({
      entryPoints: [join(process.cwd(), 'electron/cli/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      outfile: cli,
      logLevel: 'silent',
      footer: { js: 'module.exports.runCli(process.argv.slice(2)).then((c) => { process.exitCode = c; });' },
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(cli, { force: true });
  });

  it('creates the demo repository under LIFEBOAT_HOME in seconds; the printed password opens it', async () => {
    const home = join(dir, 'home');
    const started = Date.now();
    const demo = await lifeboat(cli, home, ['demo']);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const location = join(home, 'demo-repository');
    expect(demo.stdout).toContain(`Demo repository: ${location} (created)`);
    const pointId = /Restore point:\s+([0-9a-f]+)/.exec(demo.stdout)?.[1];
    expect(pointId).toMatch(/^[0-9a-f]{16}$/);

    // The suggested next step, exactly as printed (password piped on stdin).
    const list = await lifeboat(cli, home, ['--json', 'repo', 'list', '--repo', location, '--password-stdin'], 'lifeboat-demo\n');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).points).toEqual([expect.objectContaining({ id: pointId, vm: 'demo-win2022', disks: 2 })]);

    const again = await lifeboat(cli, home, ['--json', 'demo']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ reused: true, pointId });
  });
});
