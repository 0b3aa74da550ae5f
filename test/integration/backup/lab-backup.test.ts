import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup, type BackupJobOptions } from '../../../electron/backup/backup-runner';
import type { BackupProgress } from '../../../electron/backup/backup-progress';
import { BackupFailedError } from '../../../electron/backup/backup-result';
import { vmSnapshots } from '../../../electron/backup/source-vm-facts';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { type RunningLab } from '../../../electron/lab/vcsim-process';
import { Repository } from '../../../electron/repository/repository';
import { retrieveOne } from '../../../electron/vsphere/property-collector';
import { VimSession } from '../../../electron/vsphere/vim-session';
import type { MoRef } from '../../../electron/vsphere/vim-types';
import { accessLog, type BackupLab, flatExtentPath, startBackupLab, writeThroughLabVddk } from './lab-backup-fixture';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('backup of a lab VM (vcenter mode)', () => {
  let lab: RunningLab;
  let session: VimSession;
  let repo: Repository;
  let vm: MoRef;
  let work: string;
  let stateDir: string;
  let thinFile: string;
  const pointIds: string[] = [];

  let backupLab: BackupLab;
  const jobOptions = (extra: Partial<BackupJobOptions> = {}, extraConfig: Record<string, string | number> = {}): BackupJobOptions =>
    backupLab.jobOptions(extra, extraConfig);

  beforeAll(async () => {
    backupLab = await startBackupLab('lifeboat-backup-it-');
    ({ lab, session, repo, vm, work, stateDir } = backupLab);
    thinFile = `[LocalDS_0] ${LAB_VMS.thinThick}/${LAB_VMS.thinThick}.vmdk`;
    // Some data on the thin disk before the first backup (a partition table and a file).
    await writeThroughLabVddk(lab.info, vm.value, thinFile, [
      { offset: 0, data: randomBytes(64 * KiB) },
      { offset: 8 * MiB, data: randomBytes(3 * MiB) },
    ]);
  }, 180_000);

  afterAll(async () => {
    await backupLab?.close();
  });

  it('full backup: config, disks with change ids, independent disk skipped, snapshot removed, EndAccess called', async () => {
    const progress: BackupProgress[] = [];
    const result = await runBackup(jobOptions({ onProgress: (p) => progress.push(p) }));
    pointIds.push(result.pointId);
    expect(result.kind).toBe('full');
    expect(result.disks).toHaveLength(2);
    const thin = result.disks.find((d) => d.label && d.capacity === 64 * MiB)!;
    expect(thin.read).toBe('allocated');
    expect(thin.bytesRead).toBe(64 * KiB + 3 * MiB);
    expect(result.skippedDisks).toHaveLength(1);
    expect(result.skippedDisks[0]!.diskMode).toMatch(/^independent/);
    expect(result.rulesApplied).toEqual(
      expect.arrayContaining(['BACKUP-CBT-FIRST', 'BACKUP-SAVE-CONFIG', 'BACKUP-ALLOCATED-FIRST', 'BACKUP-SKIP-INDEPENDENT']),
    );
    expect(result.notes.join('\n')).toMatch(/BACKUP-CBT-FIRST/);

    const last = progress[progress.length - 1]!;
    expect(last.phase).toBe('done');
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(progress.some((p) => p.phase === 'reading' && p.bytesDone > 0 && p.bytesDone < p.bytesTotal)).toBe(true);

    const manifest = await repo.loadPoint(result.pointId);
    expect(manifest.configInfo.name).toBe(LAB_VMS.thinThick);
    expect(manifest.vm.moref).toBe(vm.value);
    expect(manifest.skippedIndependentDisks).toHaveLength(1);
    expect(manifest.disks.map((d) => d.provisioning).sort()).toEqual(['lazyzeroed', 'thin']);
    for (const d of manifest.disks) {
      expect(d.changeId).toMatch(/^[0-9a-f]+\/\d+$/);
      expect(d.controller.type).toBe('ParaVirtualSCSIController');
      expect(d.datastore).toEqual({ name: 'LocalDS_0', type: 'VMFS' });
    }
    const thinDisk = manifest.disks.find((d) => d.fileName === thinFile)!;
    // Sector 0 saved for the disk-signature check after restore.
    expect(
      Buffer.from(thinDisk.sector0, 'base64').equals(readFileSync(flatExtentPath(lab.info, thinFile)).subarray(0, 512)),
    ).toBe(true);

    const cbt = await retrieveOne(session, vm, ['config.changeTrackingEnabled']);
    expect(String(cbt?.props['config.changeTrackingEnabled'])).toBe('true');
    expect(await vmSnapshots(session, vm)).toEqual([]);
    expect(accessLog(stateDir)).toEqual([`prepare Lifeboat backup moref=${vm.value}`, `end Lifeboat backup moref=${vm.value}`]);
  }, 120_000);

  it('incremental after writes through the lab VDDK: reads only the changed areas and reads back byte-identical', async () => {
    const writes = [
      { offset: 64 * KiB, data: randomBytes(64 * KiB) },
      { offset: 9 * MiB + 128 * KiB, data: randomBytes(256 * KiB) },
      { offset: 40 * MiB, data: randomBytes(MiB) },
    ];
    await writeThroughLabVddk(lab.info, vm.value, thinFile, writes);
    const written = writes.reduce((s, w) => s + w.data.length, 0);

    const result = await runBackup(jobOptions());
    pointIds.push(result.pointId);
    expect(result.kind).toBe('incremental');
    expect(result.parentPointId).toBe(pointIds[0]);
    const manifest = await repo.loadPoint(result.pointId);
    const thinKey = manifest.disks.find((d) => d.fileName === thinFile)!.key;
    const thin = result.disks.find((d) => d.key === thinKey)!;
    expect(thin.read).toBe('changed');
    expect(thin.bytesRead).toBe(written);
    const other = result.disks.find((d) => d.key !== thinKey)!;
    expect(other.read).toBe('changed');
    expect(other.bytesRead).toBe(0);

    const flat = readFileSync(flatExtentPath(lab.info, thinFile));
    const image = (await repo.openPoint(result.pointId)).disk(thinKey);
    expect(image.capacity).toBe(flat.length);
    expect((await image.read(0, image.capacity)).equals(flat)).toBe(true);
    // qemu-img as the outside judge: the point exported to a sparse raw file against the lab's VMDK descriptor.
    const raw = join(work, 'incremental.raw');
    const out = await open(raw, 'w');
    await out.truncate(image.capacity);
    for (const e of await image.extents())
      if (e.kind === 'data') await out.write(await image.read(e.offset, e.length), 0, e.length, e.offset);
    await out.close();
    const descriptor = flatExtentPath(lab.info, thinFile).replace(/-flat\.vmdk$/, '.vmdk');
    const compare = spawnSync('qemu-img', ['compare', '-f', 'raw', '-F', 'vmdk', raw, descriptor], { encoding: 'utf8' });
    expect(compare.stdout + compare.stderr).toMatch(/Images are identical/);
    expect(compare.status).toBe(0);
    rmSync(raw);
    // Thin stays thin: the point records holes where the disk has none allocated.
    expect(manifest.disks.find((d) => d.key === thinKey)!.allocatedBytes).toBeLessThan(8 * MiB);
  }, 120_000);

  it('a second full backup adds about nothing to the repository (dedup)', async () => {
    const before = (await repo.stats()).packBytes;
    const result = await runBackup(jobOptions({ full: true }));
    pointIds.push(result.pointId);
    expect(result.kind).toBe('full');
    expect(result.disks.every((d) => d.read === 'allocated')).toBe(true);
    expect(result.bytesRead).toBeGreaterThan(4 * MiB);
    expect(result.chunksWritten).toBe(0);
    expect((await repo.stats()).packBytes).toBe(before);
    expect(result.bytesAdded).toBeLessThan(64 * KiB);
  }, 120_000);

  it('a failure mid-backup still removes the snapshot and calls EndAccess, and saves no point', async () => {
    await writeThroughLabVddk(lab.info, vm.value, thinFile, [{ offset: 20 * MiB, data: randomBytes(4 * MiB) }]);
    const endsBefore = accessLog(stateDir).filter((l) => l.startsWith('end ')).length;
    const idsBefore = await repo.pointIds();
    const failed = await runBackup(
      jobOptions({
        full: true,
        vddk: { ...jobOptions().vddk, extraConfig: { 'labvddk.stateDir': stateDir, 'labvddk.fault.failReadN': 2 } },
      }),
    ).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(BackupFailedError);
    expect((failed as Error).message).toMatch(/No restore point was saved/);
    expect(await vmSnapshots(session, vm)).toEqual([]);
    const log = accessLog(stateDir);
    expect(log.filter((l) => l.startsWith('end ')).length).toBe(endsBefore + 1);
    expect(log[log.length - 1]).toBe(`end Lifeboat backup moref=${vm.value}`);
    expect(await repo.pointIds()).toEqual(idsBefore);
  }, 120_000);
});
