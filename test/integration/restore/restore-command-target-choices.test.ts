import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { fetchInventory, listVms } from '../../../electron/vsphere/inventory';
import { retrieveOne } from '../../../electron/vsphere/property-collector';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { resultEvent, runCliProcess } from '../../support/cli-process';
import { startCliLab, type CliLab } from './cli-lab-fixture';

/**
 * `lifeboat restore --hardware-version / --network-map` against the lab: the
 * choices reach the VM the restore creates, in the disaster-recovery
 * datacenter inside a folder. Needs the real keychain (npm test provides one).
 */
describe('lifeboat restore: target choices (CLI, lab vCenter)', () => {
  let f: CliLab;

  beforeAll(async () => {
    f = await startCliLab('restore-choices');
    await writeFile(join(f.dir, 'lab.conf'), labVddkConfig(f.lab.info, { extra: { 'labvddk.stateDir': f.dir, 'labvddk.serverMode': 'vcenter' } }));
  }, 240_000);

  afterAll(async () => {
    await f?.close();
  });

  const restore = (name: string, ...extra: string[]) =>
    runCliProcess(
      f.cli,
      ['--json', 'restore', ...f.repoArgs(), '--vddk-dir', labVddkDir(), '--vddk-config', join(f.dir, 'lab.conf'),
        '--point', f.pointId, '--connection', 'lab', '--datastore', 'lab-dr-ds', '--name', name, '--transport', 'nbdssl', '--yes', ...extra],
      f.env,
    );

  it('--hardware-version and --network-map reach the VM created in the datacenter inside a folder', async () => {
    const run = await restore('cli-dr', '--hardware-version', '11', '--network-map', 'VM Network=VM Network');
    expect(run.code, run.stderr).toBe(0);
    expect(resultEvent(run.stdout).outcome).toBe('succeeded');
    const vm = (await listVms(f.session)).find((v) => v.name === 'cli-dr')!;
    expect((await fetchVmConfigInfo(f.session, vm.ref)).config.hardwareVersion).toBe('vmx-11');
    const dr = (await fetchInventory(f.session)).datacenters.find((d) => d.name === 'DR1')!;
    expect((await retrieveOne(f.session, vm.ref, ['parent']))?.props.parent).toMatchObject({ value: dr.vmFolder!.value });

    // A backup of that VM finds its NVRAM: the file service's dcPath is the datacenter's inventory path (lab-dr/DR1).
    const backup = await runCliProcess(
      f.cli,
      ['--json', 'backup', '--connection', 'lab', '--vm', 'cli-dr', ...f.repoArgs(), '--vddk-dir', labVddkDir(), '--vddk-config', join(f.dir, 'lab.conf')],
      f.env,
    );
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout).nvramSaved).toBe(true);
  });

  it('a malformed choice is a usage error that says what to write, before anything is created', async () => {
    const badMap = await restore('never-map', '--network-map', 'VM Network');
    expect(badMap.code).toBe(2);
    expect(badMap.stdout + badMap.stderr).toMatch(/not of the form SOURCE=TARGET.*For example: --network-map/s);
    const badVersion = await restore('never-hw', '--hardware-version', 'nineteen');
    expect(badVersion.code).toBe(2);
    expect(badVersion.stdout + badVersion.stderr).toMatch(/--hardware-version: expected a hardware version like .*vmx-19/);
    expect((await listVms(f.session)).some((v) => v.name.startsWith('never-'))).toBe(false);
  });
});
