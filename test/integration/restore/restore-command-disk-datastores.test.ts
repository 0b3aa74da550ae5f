import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import type { Plan } from '../../../electron/planner/plan-types';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { parseDatastorePath } from '../../../electron/vsphere/datastore-files';
import { listVms } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import type { MemoryDiskImage } from '../../unit/repository/memory-disk-image';
import { TEST_KDF } from '../../unit/repository/repository-fixtures';
import { jsonEvents, resultEvent, runCliProcess } from '../../support/cli-process';
import { qemuImg } from '../disks/qemu-img';
import { startCliLab, type CliLab } from './cli-lab-fixture';
import { labVmPoint, writeRaw } from './lab-restore-fixture';

/**
 * A datastore per disk, end to end against the lab: `--disk-datastore KEY=NAME`
 * puts one disk of a new VM on the NFS datastore lab-nfs; the plan says so and
 * the run puts the file exactly there.
 */
describe('lifeboat restore --disk-datastore (CLI, lab vCenter)', () => {
  let f: CliLab;
  let pointId: string;
  let disks: Map<number, MemoryDiskImage>;
  const repoArgs = () => ['--repo', join(f.dir, 'two-disk-repo'), '--password-file', join(f.dir, 'two-disk-password')];

  beforeAll(async () => {
    f = await startCliLab('restore-cli-disk-datastores');
    // A point of a VM with two plain disks (PVSCSI 0:0 and 1:0).
    const repo = await Repository.init(new LocalFolderBackend(join(f.dir, 'two-disk-repo')), 'pw', { kdf: TEST_KDF });
    await writeFile(join(f.dir, 'two-disk-password'), 'pw\n', { mode: 0o600 });
    const made = await labVmPoint(f.session, repo, LAB_VMS.proxy, { pointVmName: 'two-disks', capacityBytes: 16 * 1024 * 1024 });
    pointId = made.point.id;
    disks = made.disks;
  }, 240_000);
  afterAll(async () => {
    await f?.close();
  });

  const request = (extra: string[]) => [...repoArgs(), '--point', pointId, '--connection', 'lab', '--datastore', 'LocalDS_0', '--transport', 'nbdssl', ...extra];

  it('plans each disk on its datastore and restores it there: files on lab-nfs and LocalDS_0, qemu-img check and compare pass, plan == run', async () => {
    const [first, second] = [...disks.keys()];
    const planned = await runCliProcess(f.cli, ['--json', 'plan', ...request(['--disk-datastore', `${second}=lab-nfs`])], f.env);
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as Plan;
    expect(plan.disks.map((d) => [d.key, d.datastore])).toEqual([
      [first, 'LocalDS_0'],
      [second, 'lab-nfs'],
    ]);
    expect(plan.steps.find((s) => /^Create/.test(s.description))!.description).toMatch(/on datastore LocalDS_0 .*on datastore lab-nfs/);

    const config = join(f.dir, 'vddk.conf');
    await writeFile(config, labVddkConfig(f.lab.info, { extra: { 'labvddk.stateDir': f.dir, 'labvddk.serverMode': 'vcenter' } }));
    const run = await runCliProcess(
      f.cli,
      ['--json', 'restore', ...request(['--disk-datastore', `${second}=lab-nfs`, '--name', 'placed', '--vddk-dir', labVddkDir(), '--vddk-config', config, '--yes'])],
      f.env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(jsonEvents(run.stdout).find((e) => e.event === 'plan')!.plan).toMatchObject({ disks: plan.disks.map((d) => ({ key: d.key, datastore: d.datastore })) });
    const report = resultEvent(run.stdout);
    expect(report.outcome).toBe('succeeded');
    expect(report.disks.map((d: { key: number; datastore: string }) => [d.key, d.datastore])).toEqual([
      [first, 'LocalDS_0'],
      [second, 'lab-nfs'],
    ]);

    // The VM as vSphere reports it: each disk's file on the datastore the plan named, byte-identical to the point.
    const vm = (await listVms(f.session)).find((v) => v.name === 'placed')!;
    const { config: restored } = await fetchVmConfigInfo(f.session, vm.ref);
    expect(restored.disks).toHaveLength(2);
    for (const planned of plan.disks) {
      const source = disks.get(planned.key)!;
      const disk = restored.disks.find((d) => d.capacityBytes === source.capacity && parseDatastorePath(d.fileName).datastore === planned.datastore);
      expect(disk, `${planned.key} on ${planned.datastore}`).toBeDefined();
      const local = join(f.lab.info.datastores.find((d) => d.name === planned.datastore)!.folder, parseDatastorePath(disk!.fileName).path);
      expect(existsSync(local)).toBe(true);
      const check = await qemuImg('check', local);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      const compare = await qemuImg('compare', '-F', 'raw', local, await writeRaw(join(f.dir, `placed-${planned.key}.raw`), source));
      expect(compare.code, compare.stdout + compare.stderr).toBe(0);
    }
  });

  it('a datastore the target does not have is refused up front, naming it', async () => {
    const planned = await runCliProcess(f.cli, ['plan', ...request(['--disk-datastore', '*=no-such-ds'])], f.env);
    expect(planned.code).not.toBe(0);
    expect(planned.stderr).toMatch(/no-such-ds/);
  });
});
