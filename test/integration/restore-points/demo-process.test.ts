import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, runCliProcess } from '../../support/cli-process';

/** Runs the bundled CLI as a child process with `stdin` piped in. */
function lifeboat(cli: string, home: string, args: string[], stdin = '') {
  return runCliProcess(cli, args, { ...process.env, LIFEBOAT_HOME: home, LIFEBOAT_REPO: '', LIFEBOAT_REPO_PASSWORD_FILE: '' }, stdin);
}

describe('lifeboat demo as a real process', () => {
  let dir: string;
  let cli: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-demo-proc-'));
    cli = await bundleCli('demo');
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
