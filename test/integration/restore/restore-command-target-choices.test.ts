import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { fetchInventory, listVms } from '../../../electron/vsphere/inventory';
import { retrieveOne } from '../../../electron/vsphere/property-collector';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { bundleCli, resultEvent, runCliProcess } from '../../support/cli-process';
import { encryptedVmPoint, labSession } from './lab-restore-fixture';

/**
 * `lifeboat restore --hardware-version / --network-map` against the lab: the
 * choices reach the VM the restore creates, in the disaster-recovery
 * datacenter inside a folder. Needs the real keychain (npm test provides one).
 */
describe('lifeboat restore: target choices (CLI, lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let cli: string;
  let session: VimSession;
  let pointId: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-restore-choices-'));
    lab = await startVcsim({ mode: 'vcenter' });
    cli = await bundleCli('restore');
    env = { ...process.env, LIFEBOAT_HOME: join(dir, 'home'), LIFEBOAT_REPO: '', LIFEBOAT_REPO_PASSWORD_FILE: '' };
    session = await labSession(lab.info);
    pointId = (await encryptedVmPoint(session, join(dir, 'repo'))).point.id;
    await writeFile(join(dir, 'repo-password'), 'pw\n', { mode: 0o600 });
    await writeFile(join(dir, 'lab.conf'), labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter' } }));
    const added = await runCliProcess(
      cli,
      ['connect', 'add', lab.info.url, '--user', lab.info.username, '--name', 'lab', '--password-stdin', '--trust-thumbprint', lab.info.thumbprintSha256],
      env,
      lab.info.password,
    );
    expect(added.code, added.stderr).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await runCliProcess(cli, ['connect', 'remove', 'lab'], env).catch(() => undefined);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const restore = (name: string, ...extra: string[]) =>
    runCliProcess(
      cli,
      ['--json', 'restore', '--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--vddk-dir', labVddkDir(), '--vddk-config', join(dir, 'lab.conf'),
        '--point', pointId, '--connection', 'lab', '--datastore', 'lab-dr-ds', '--name', name, '--transport', 'nbdssl', '--yes', ...extra],
      env,
    );

  it('--hardware-version and --network-map reach the VM created in the datacenter inside a folder', async () => {
    const run = await restore('cli-dr', '--hardware-version', '11', '--network-map', 'VM Network=VM Network');
    expect(run.code, run.stderr).toBe(0);
    expect(resultEvent(run.stdout).outcome).toBe('succeeded');
    const vm = (await listVms(session)).find((v) => v.name === 'cli-dr')!;
    expect((await fetchVmConfigInfo(session, vm.ref)).config.hardwareVersion).toBe('vmx-11');
    const dr = (await fetchInventory(session)).datacenters.find((d) => d.name === 'DR1')!;
    expect((await retrieveOne(session, vm.ref, ['parent']))?.props.parent).toMatchObject({ value: dr.vmFolder!.value });
  });

  it('a malformed choice is a usage error that says what to write, before anything is created', async () => {
    const badMap = await restore('never-map', '--network-map', 'VM Network');
    expect(badMap.code).toBe(2);
    expect(badMap.stdout + badMap.stderr).toMatch(/not of the form SOURCE=TARGET.*For example: --network-map/s);
    const badVersion = await restore('never-hw', '--hardware-version', 'nineteen');
    expect(badVersion.code).toBe(2);
    expect(badVersion.stdout + badVersion.stderr).toMatch(/--hardware-version: expected a hardware version like .*vmx-19/);
    expect((await listVms(session)).some((v) => v.name.startsWith('never-'))).toBe(false);
  });
});
