import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { runPlannedRecovery } from '../../../electron/engine/recovery-restore-port';
import { RecoveryService } from '../../../electron/engine/recovery-service';
import { RestoreService } from '../../../electron/engine/restore-service';
import { environmentFactsFor } from '../../../electron/environment/environment-facts';
import { OsKeychain } from '../../../electron/keychain/os-keychain';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { resolveVddkSetup } from '../../../electron/vddk/vddk-setup';
import { listVms } from '../../../electron/vsphere/inventory';
import { runCliProcess } from '../../support/cli-process';
import { startRecoveryLab, type RecoveryLab } from './recovery-lab-fixture';
import { SITE, countingVddkConfig, expectRestoredIdentical, hostPeaks, sitePlanYaml } from './recovery-run-lab-support';

/**
 * A VM that fails while the recovery runs (its name was taken after the plan
 * was made: its own restore blocks with DATA-VM-NAME-TAKEN) does not stop its
 * group, unless the group says `stopOnFailure`: then nothing new starts and
 * the plan ends after the running VMs. Engine level, with the real restore
 * service against the lab.
 */
describe('recovery run: a failed VM, with and without stopOnFailure (lab vCenter with 3 hosts)', () => {
  let f: RecoveryLab;
  let home: string;
  beforeAll(async () => {
    f = await startRecoveryLab('recovery-run-failures', SITE, { hosts: 3 });
    home = f.env.LIFEBOAT_HOME!;
  }, 600_000);
  afterAll(async () => {
    await f?.close();
  });

  function services(config: string) {
    const secrets = new OsKeychain();
    const connections = new ConnectionStore(home);
    const repos = new Map<string, Promise<Repository>>();
    const openRepository = (path: string) => {
      if (!repos.has(path)) repos.set(path, Repository.open(new LocalFolderBackend(path), 'pw'));
      return repos.get(path)!;
    };
    const restore = new RestoreService({
      home,
      connections,
      secrets,
      environment: () => environmentFactsFor(home, 'cli', secrets),
      openRepository,
      vddk: () => resolveVddkSetup({ dir: labVddkDir(), configFile: config, home }),
    });
    return { restore, recovery: new RecoveryService({ home, restore, connections, secrets, openRepository }) };
  }

  /** Takes a VM name on the target (a restore of another point under it), as a colleague might while the plan waits. */
  async function takeName(name: string, config: string) {
    const run = await runCliProcess(
      f.cli,
      [
        'restore',
        '--repo',
        f.repoDir,
        '--password-file',
        f.repoPasswordFile,
        '--vddk-dir',
        labVddkDir(),
        '--vddk-config',
        config,
        '--point',
        f.points.get('dns01')!.point.id,
        '--connection',
        'lab',
        '--datastore',
        f.lab.info.datastores[0]!.name,
        '--name',
        name,
        '--transport',
        'nbdssl',
        '--yes',
      ],
      f.env,
    );
    expect(run.code, run.stderr).toBe(0);
  }

  it('a VM whose name was taken after planning fails with DATA-VM-NAME-TAKEN; the rest of its group and the next group go on', async () => {
    const { config, streamsDir } = await countingVddkConfig(f, 'fail');
    const { restore, recovery } = services(config);
    const plan = await recovery.plan({ path: await f.writePlan('fail.yaml', sitePlanYaml(f, 'fail', 2)) });
    expect(plan.ok).toBe(true);
    await takeName('fail-db01', config);
    const result = await runPlannedRecovery({ home, restore }, plan);
    expect(result.state).toBe('failed');
    const db01 = result.vms.find((v) => v.vmName === 'fail-db01')!;
    expect(db01.state).toBe('failed');
    expect(db01.error?.rule).toBe('DATA-VM-NAME-TAKEN');
    expect(result.vms.filter((v) => v.vmName !== 'fail-db01').every((v) => v.state === 'succeeded')).toBe(true);
    // Its group is not up (not every VM restored), yet the next group ran.
    expect(result.groups.find((g) => g.name === 'data')!.upAt).toBeNull();
    expect(result.groups.find((g) => g.name === 'apps')!.upAt).not.toBeNull();
    expect((await listVms(f.session)).filter((v) => v.name === 'fail-db01')).toHaveLength(1);
    for (const s of SITE.filter((x) => x.name !== 'db01')) await expectRestoredIdentical(f, s.name, `fail-${s.name}`);
    for (const [host, peak] of await hostPeaks(streamsDir)) expect(peak, host).toBeLessThanOrEqual(2);
  }, 600_000);

  it('with stopOnFailure on that group, nothing new starts: the plan ends after the running VMs, later groups skipped', async () => {
    const { config } = await countingVddkConfig(f, 'stop');
    const { restore, recovery } = services(config);
    const plan = await recovery.plan({
      path: await f.writePlan('stop.yaml', sitePlanYaml(f, 'stop', 2, { stopOnFailure: 'data' })),
    });
    await takeName('stop-db01', config);
    const result = await runPlannedRecovery({ home, restore }, plan);
    expect(result.state).toBe('failed');
    expect(result.vms.find((v) => v.vmName === 'stop-db01')!.state).toBe('failed');
    for (const v of result.vms.filter((x) => x.group === 'apps')) expect(v.state, v.vmName).toBe('skipped');
    const made = (await listVms(f.session)).map((v) => v.name).filter((n) => n.startsWith('stop-app'));
    expect(made).toEqual([]);
  }, 600_000);
});
