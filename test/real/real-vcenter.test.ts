import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, runCliProcess } from '../support/cli-process';
import { readPasswordFile, realEnvironment, type RealEnvironment } from './real-environment';

const found = realEnvironment();
// The one allowed skip: say plainly why the tier did not run.
if ('notRun' in found) console.info(found.notRun);
const real: RealEnvironment | undefined = 'ready' in found ? found.ready : undefined;

describe.skipIf(!real)('real vCenter and real VDDK (opt-in tier)', () => {
  const r = real!;
  let dir: string;
  let cli: string;
  let env: NodeJS.ProcessEnv;
  let connection: string;
  const restored: string[] = [];

  const lifeboat = (args: string[], stdin = '') => runCliProcess(cli, args, env, stdin);
  const repoArgs = () => ['--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password')];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-real-'));
    cli = await bundleCli('real');
    await writeFile(join(dir, 'repo-password'), 'real-tier\n', { mode: 0o600 });
    if (r.login.kind === 'password-file') {
      // A private home: the connection is saved there, its password in the keychain, and removed afterwards.
      env = { ...process.env, LIFEBOAT_HOME: join(dir, 'home') };
      connection = 'real';
      const added = await lifeboat(
        [
          'connect',
          'add',
          r.url,
          '--user',
          r.login.user,
          '--name',
          connection,
          '--password-stdin',
          '--trust-thumbprint',
          r.login.thumbprintSha256,
        ],
        readPasswordFile(r.login.passwordFile),
      );
      expect(added.code, added.stderr).toBe(0);
    } else {
      env = { ...process.env };
      connection = r.login.connection;
    }
    const init = await lifeboat(['repo', 'init', ...repoArgs()]);
    expect(init.code, init.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    for (const name of restored) console.info(`real tier: delete the restored test VM "${name}" if it is still there`);
    if (r.login.kind === 'password-file') await lifeboat(['connect', 'remove', connection]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the real VDDK in a worker with its bundled libraries, keeping the host C++ runtime', async () => {
    const check = await lifeboat(['--json', 'vddk', 'check', '--dir', r.vddkDir]);
    expect(check.code, check.stderr).toBe(0);
    const out = JSON.parse(check.stdout);
    expect(out.loaded.majorVersion).toBeGreaterThanOrEqual(7);
    expect(out.loaded.transportModes).toEqual(expect.arrayContaining(['nbdssl', 'nbd']));
  });

  it('connects and reads the inventory', async () => {
    const test = await lifeboat(['--json', 'connect', 'test', connection]);
    expect(test.code, test.stderr).toBe(0);
  });

  it.skipIf(!real?.vm || !real?.datastore)(
    'backs up a small VM and restores it, read back identical',
    async () => {
      const backup = await lifeboat([
        '--json',
        'backup',
        '--connection',
        connection,
        '--vm',
        r.vm!,
        ...repoArgs(),
        '--vddk-dir',
        r.vddkDir,
        '--full',
      ]);
      expect(backup.code, backup.stderr).toBe(0);
      const point = JSON.parse(backup.stdout);
      expect(point.ok).toBe(true);
      expect(point.vddkCalls.QueryAllocatedBlocks.calls).toBeGreaterThan(0);
      const name = `${r.vm}-lifeboat-real-${Date.now().toString(36)}`;
      restored.push(name);
      const restore = await lifeboat([
        '--json',
        'restore',
        ...repoArgs(),
        '--point',
        point.pointId,
        '--connection',
        connection,
        '--datastore',
        r.datastore!,
        '--name',
        name,
        '--transport',
        'nbdssl',
        '--yes',
        '--vddk-dir',
        r.vddkDir,
      ]);
      expect(restore.code, restore.stderr).toBe(0);
      const report = JSON.parse(restore.stdout);
      expect(report.outcome).toBe('succeeded');
      expect(report.disks.every((d: { verified: boolean }) => d.verified)).toBe(true);
      expect(report.vddkCalls.Write.calls).toBeGreaterThan(0);
    },
    3_600_000,
  );

  it.skipIf(!real?.encryptedVm || !real?.datastore)(
    'backs up and restores an encrypted or vTPM VM with its keys',
    async () => {
      const backup = await lifeboat([
        '--json',
        'backup',
        '--connection',
        connection,
        '--vm',
        r.encryptedVm!,
        ...repoArgs(),
        '--vddk-dir',
        r.vddkDir,
        '--full',
      ]);
      expect(backup.code, backup.stderr).toBe(0);
      const point = JSON.parse(backup.stdout);
      const name = `${r.encryptedVm}-lifeboat-real-${Date.now().toString(36)}`;
      restored.push(name);
      const restore = await lifeboat([
        '--json',
        'restore',
        ...repoArgs(),
        '--point',
        point.pointId,
        '--connection',
        connection,
        '--datastore',
        r.datastore!,
        '--name',
        name,
        '--transport',
        'nbdssl',
        '--encryption',
        'keep',
        '--yes',
        '--vddk-dir',
        r.vddkDir,
      ]);
      expect(restore.code, restore.stderr).toBe(0);
      expect(JSON.parse(restore.stdout).outcome).toBe('succeeded');
    },
    3_600_000,
  );
});
