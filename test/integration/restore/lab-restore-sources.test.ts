import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../../electron/backup/backup-runner';
import { createDiskImage } from '../../../electron/disks/open-disk-image';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { writeDemoPoint } from '../../../electron/restore-points/demo-restore-point';
import { copyDisk } from '../../../electron/restore/disk-copier';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';
import { runRestoreJob } from '../../../electron/restore/restore-job';
import { VsphereRestoreTarget } from '../../../electron/restore/vsphere-restore-target';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { parseDatastorePath } from '../../../electron/vsphere/datastore-files';
import { listVms } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { qemuImg } from '../disks/qemu-img';
import { TEST_KDF } from '../../unit/repository/repository-fixtures';
import { labSession, labVddk, planFor, vddkConnect } from './lab-restore-fixture';

/** Restores a point into the lab and has qemu-img compare every restored disk with the point's own disk. */
async function restoreAndCompare(
  lab: RunningLab,
  session: VimSession,
  dir: string,
  point: RestorePoint,
  name: string,
  transport: 'nbdssl' | 'hotadd' = 'nbdssl',
  vddkExtra: Record<string, string | number> = {},
  encryption: 'keep' | 'unencrypted' = 'keep',
) {
  const vddk = await labVddk(lab.info, dir, vddkExtra);
  const datastore = lab.info.datastores[0]!;
  const target = new VsphereRestoreTarget({
    session,
    vddk,
    connect: vddkConnect(lab.info),
    description: `lab ${lab.info.mode}`,
    diskMatch: { by: 'slot', slots: new Map(point.manifest.disks.map((d) => [d.key, { bus: d.controller.busNumber, unit: d.controller.unitNumber }])) },
  });
  const outcome = await runRestoreJob(
    {
      jobId: name,
      kind: 'full-vm',
      manifest: point.manifest,
      openPointDisk: async (key) => point.disk(key),
      nvram: async () => (await point.readNvram())?.data ?? null,
      plan: planFor(point, lab.info, transport),
      placement: { name, datastore: datastore.name, encryption },
      identity: `Lifeboat ${name}`,
    },
    { target, checkpoint: await RestoreCheckpointFile.create(join(dir, 'home'), { jobId: name, request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} }) },
  );
  await vddk.close();
  expect(outcome.errors).toEqual([]);
  expect(outcome.disks.every((d) => d.transportUsed === transport)).toBe(true);
  const { config } = await fetchVmConfigInfo(session, { type: 'VirtualMachine', value: outcome.vm!.moref });
  expect(config.disks).toHaveLength(point.manifest.disks.length);
  for (const pointDisk of point.manifest.disks) {
    const restored = config.disks.find((d) => {
      const c = config.controllers.find((x) => x.key === d.controllerKey);
      return c?.busNumber === pointDisk.controller.busNumber && d.unitNumber === pointDisk.controller.unitNumber;
    })!;
    const raw = join(dir, `${name}-${pointDisk.key}.raw`);
    const out = await createDiskImage(raw, 'raw', pointDisk.capacity);
    await copyDisk(point.disk(pointDisk.key), out, { ioBytes: 4 * 1024 * 1024, inFlight: 2, targetReadsZero: true });
    await out.close();
    const vmdk = join(datastore.folder, parseDatastorePath(restored.fileName).path);
    const compare = await qemuImg('compare', '-F', 'raw', vmdk, raw);
    expect(compare.code, compare.stdout + compare.stderr).toBe(0);
  }
  return { config, outcome };
}

/** A full backup of the lab's thin/thick VM into a new repository, as `lifeboat backup` makes it; returns the point. */
async function backUpThinThick(lab: RunningLab, session: VimSession, dir: string, repoName: string): Promise<RestorePoint> {
  const repo = await Repository.init(new LocalFolderBackend(join(dir, repoName)), 'pw', { kdf: TEST_KDF });
  const backup = await runBackup({
    session,
    repo,
    vm: { name: LAB_VMS.thinThick },
    vddk: { dir: labVddkDir(), extraConfigText: labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': lab.info.mode } }), tmpRoot: dir },
    credentials: { userName: lab.info.username, password: async () => lab.info.password },
    thumbprintSha1: lab.info.thumbprintSha1,
  });
  return repo.openPoint(backup.pointId);
}

for (const mode of ['vcenter', 'esxi'] as const) {
  describe(`restore sources into the lab (${mode})`, () => {
    let lab: RunningLab;
    let dir: string;
    let session: VimSession;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), `lifeboat-restore-sources-${mode}-`));
      lab = await startVcsim({ mode });
      session = await labSession(lab.info);
    }, 240_000);
    afterAll(async () => {
      await session?.close().catch(() => undefined);
      await lab?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it(`restores the demo restore point (made with no server): EFI, ${mode === 'vcenter' ? 'vTPM, keys' : 'unencrypted without the vTPM (no key provider)'}, identical disks`, async () => {
      const repo = await Repository.init(new LocalFolderBackend(join(dir, 'demo-repo')), 'pw', { kdf: TEST_KDF });
      const manifest = await writeDemoPoint(repo);
      // A standalone host has no key provider: keeping the keys is blocked (CRYPT-KMS-MISMATCH), unencrypted is the way.
      const encryption = mode === 'vcenter' ? 'keep' : 'unencrypted';
      const { config } = await restoreAndCompare(lab, session, dir, await repo.openPoint(manifest.id), `demo-${mode}`, 'nbdssl', {}, encryption);
      expect(config.firmware).toBe('efi');
      expect(config.hasVtpm).toBe(mode === 'vcenter');
      expect(config.keyId?.keyId).toBe(mode === 'vcenter' ? 'DEMO-KEY-0001' : undefined);
    });

    it('restores a VM it backed up from the lab, identical to the point', async () => {
      const point = await backUpThinThick(lab, session, dir, 'backup-repo');
      expect(point.manifest.skippedIndependentDisks).toHaveLength(1);
      const { config } = await restoreAndCompare(lab, session, dir, point, `backed-up-${mode}`);
      expect(config.disks.map((d) => d.provisioning).sort()).toEqual(point.manifest.disks.map((d) => (d.provisioning === 'thin' ? 'thin' : 'lazyZeroed')).sort());
    });

    if (mode === 'vcenter') {
      it('repairs the MBR signature the HotAdd write changed (STEP-WINDOWS-SIGNATURE), leaving the disk identical', async () => {
        const repo = await Repository.init(new LocalFolderBackend(join(dir, 'hotadd-repo')), 'pw', { kdf: TEST_KDF });
        const manifest = await writeDemoPoint(repo);
        const { outcome } = await restoreAndCompare(lab, session, dir, await repo.openPoint(manifest.id), 'demo-hotadd', 'hotadd', {
          'labvddk.hotaddChangesSignature': 1,
        });
        const disk1 = outcome.disks.find((d) => d.key === 2000)!;
        expect(disk1.signature).toMatch(/found MBR signature .* rewrote MBR signature/);
        expect(outcome.phases.find((p) => p.phase === 'cleanup')?.status).toBe('done');
      });
    }
  });
}

describe('disk restore into the existing VM (lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let session: VimSession;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-restore-disks-'));
    lab = await startVcsim({ mode: 'vcenter' });
    session = await labSession(lab.info);
  }, 240_000);
  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('overwrites the disks of the VM it backed up: later writes are gone, every disk identical to the point', async () => {
    const point = await backUpThinThick(lab, session, dir, 'repo');
    const vm = (await listVms(session)).find((v) => v.name === LAB_VMS.thinThick)!;
    const { config: before } = await fetchVmConfigInfo(session, vm.ref);

    // Damage every backed-up disk after the backup, through the lab VDDK.
    const vddk = await labVddk(lab.info, dir);
    const conn = await vddk.connect({ ...vddkConnect(lab.info), vmxSpec: `moref=${vm.ref.value}`, transports: ['nbdssl'] });
    for (const d of point.manifest.disks) {
      const file = before.disks.find((x) => x.key === d.key)!.fileName;
      const disk = await conn.openDisk(file);
      await disk.write(0, Buffer.alloc(1024 * 1024, 0xee));
      await disk.write(d.capacity - 1024 * 1024, Buffer.alloc(1024 * 1024, 0xdd));
      await disk.close();
    }
    await conn.disconnect();

    const target = new VsphereRestoreTarget({ session, vddk, connect: vddkConnect(lab.info), description: 'lab vcenter', diskMatch: { by: 'key' } });
    const outcome = await runRestoreJob(
      {
        jobId: 'disks-overwrite',
        kind: 'disks',
        manifest: point.manifest,
        openPointDisk: async (key) => point.disk(key),
        nvram: async () => null,
        plan: planFor(point, lab.info, 'nbdssl', 'disks'),
        existingVm: { moref: vm.ref.value, name: vm.name },
        identity: 'Lifeboat disks-overwrite',
      },
      { target, checkpoint: await RestoreCheckpointFile.create(join(dir, 'home'), { jobId: 'disks-overwrite', request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} }) },
    );
    await vddk.close();
    expect(outcome.errors).toEqual([]);
    expect(outcome.phases.find((p) => p.phase === 'create-vm')?.status).toBe('skipped');
    // The backup turned change tracking on (BACKUP-CBT-FIRST): off while writing, back on after.
    expect(outcome.phases.find((p) => p.phase === 'cbt-on')?.status).toBe('done');
    expect((await fetchVmConfigInfo(session, vm.ref)).config.changeTrackingEnabled).toBe(true);
    for (const d of point.manifest.disks) {
      const raw = join(dir, `overwrite-${d.key}.raw`);
      const out = await createDiskImage(raw, 'raw', d.capacity);
      await copyDisk(point.disk(d.key), out, { ioBytes: 4 * 1024 * 1024, inFlight: 2, targetReadsZero: true });
      await out.close();
      const vmdk = join(lab.info.datastores[0]!.folder, parseDatastorePath(before.disks.find((x) => x.key === d.key)!.fileName).path);
      const compare = await qemuImg('compare', '-F', 'raw', vmdk, raw);
      expect(compare.code, compare.stdout + compare.stderr).toBe(0);
    }
  });

  it('adds the restore point disks to another VM as new disks, identical, without touching its own disks', async () => {
    const point = await backUpThinThick(lab, session, dir, 'repo-add');
    const other = (await listVms(session)).find((v) => v.name === `${lab.info.bulkVmPrefix}0000`)!;
    const before = (await fetchVmConfigInfo(session, other.ref)).config.disks;
    const vddk = await labVddk(lab.info, dir);
    const datastore = lab.info.datastores[0]!;
    const outcome = await runRestoreJob(
      {
        jobId: 'disks-add',
        kind: 'disks',
        manifest: point.manifest,
        openPointDisk: async (key) => point.disk(key),
        nvram: async () => null,
        plan: planFor(point, lab.info, 'nbdssl', 'disks-as-new'),
        existingVm: { moref: other.ref.value, name: other.name },
        addAsNewDisks: { datastore: datastore.name },
        identity: 'Lifeboat disks-add',
      },
      {
        target: new VsphereRestoreTarget({ session, vddk, connect: vddkConnect(lab.info), description: 'lab vcenter', diskMatch: { by: 'key' } }),
        checkpoint: await RestoreCheckpointFile.create(join(dir, 'home'), { jobId: 'disks-add', request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} }),
      },
    );
    await vddk.close();
    expect(outcome.errors).toEqual([]);
    expect(outcome.phases.find((p) => p.phase === 'create-vm')?.detail).toMatch(/added 2 new disk/);
    const after = (await fetchVmConfigInfo(session, other.ref)).config.disks;
    expect(after).toHaveLength(before.length + point.manifest.disks.length);
    for (const original of before) expect(after.find((d) => d.key === original.key)?.fileName).toBe(original.fileName);
    const added = after.filter((d) => !before.some((b) => b.key === d.key));
    for (const d of point.manifest.disks) {
      const disk = added.find((a) => a.capacityBytes === d.capacity)!;
      const raw = join(dir, `add-${d.key}.raw`);
      const out = await createDiskImage(raw, 'raw', d.capacity);
      await copyDisk(point.disk(d.key), out, { ioBytes: 4 * 1024 * 1024, inFlight: 2, targetReadsZero: true });
      await out.close();
      const vmdk = join(datastore.folder, parseDatastorePath(disk.fileName).path);
      const compare = await qemuImg('compare', '-F', 'raw', vmdk, raw);
      expect(compare.code, compare.stdout + compare.stderr).toBe(0);
    }
  });
});
