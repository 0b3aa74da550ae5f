import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup, type BackupJobOptions } from '../../../electron/backup/backup-runner';
import { vmSnapshots } from '../../../electron/backup/source-vm-facts';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { type RunningLab } from '../../../electron/lab/vcsim-process';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VddkSession } from '../../../electron/vddk/vddk-session';
import { VimSession } from '../../../electron/vsphere/vim-session';
import type { MoRef } from '../../../electron/vsphere/vim-types';
import { accessLog, type BackupLab, startBackupLab, writeThroughLabVddk } from './lab-backup-fixture';

const MiB = 1024 * 1024;

describe('backup: VDDK call order, Cleanup and allocation fallbacks (vcenter lab)', () => {
  let lab: RunningLab;
  let session: VimSession;
  let vm: MoRef;
  let work: string;
  let stateDir: string;

  let backupLab: BackupLab;
  const jobOptions = (extra: Partial<BackupJobOptions> = {}, extraConfig: Record<string, string | number> = {}): BackupJobOptions =>
    backupLab.jobOptions(extra, extraConfig);

  beforeAll(async () => {
    backupLab = await startBackupLab('lifeboat-backup-order-', { tmpDirectory: true });
    ({ lab, session, vm, work, stateDir } = backupLab);
    await writeThroughLabVddk(lab.info, vm.value, `[LocalDS_0] ${LAB_VMS.thinThick}/${LAB_VMS.thinThick}.vmdk`, [
      { offset: 8 * MiB, data: randomBytes(MiB) },
    ]);
  }, 180_000);

  afterAll(async () => {
    await backupLab?.close();
  });

  it('PrepareForAccess before the snapshot is created, EndAccess after it is removed, Cleanup without vmxSpec', async () => {
    const accessAtSnapshot: string[][] = [];
    let snapshotsAtEndAccess: Promise<unknown[]> | undefined;
    let accessAtEndAccess: string[] | undefined;
    const result = await runBackup(
      jobOptions({
        onProgress: (p) => {
          if (p.phase === 'snapshot' && /^creating snapshot/.test(p.detail)) accessAtSnapshot.push(accessLog(stateDir));
          if (p.detail === 'EndAccess' && !snapshotsAtEndAccess) {
            accessAtEndAccess = accessLog(stateDir);
            snapshotsAtEndAccess = vmSnapshots(session, vm);
          }
        },
      }),
    );
    expect(result.ok).toBe(true);
    const prepare = `prepare Lifeboat backup moref=${vm.value}`;
    expect(accessAtSnapshot).toHaveLength(1);
    expect(accessAtSnapshot[0]!.filter((l) => l === prepare)).toHaveLength(1);
    expect(accessAtEndAccess?.filter((l) => l.startsWith('end '))).toEqual([]);
    expect(await snapshotsAtEndAccess).toEqual([]);
    expect(accessLog(stateDir)).toEqual([prepare, `end Lifeboat backup moref=${vm.value}`]);
    // Cleanup ran (at the start and after the disks were closed), never refused for a vmxSpec.
    expect(result.notes.filter((n) => /Cleanup/.test(n))).toEqual([]);
    const cleanups = readFileSync(join(stateDir, 'labvddk-cleanup.log'), 'utf8').trim().split('\n');
    expect(cleanups).toHaveLength(2);
    expect(cleanups.every((l) => /^cleanup \S+ cleaned=0 remaining=0$/.test(l))).toBe(true);
    // Every VDDK call of the backup, counted and timed, lands in the result.
    expect(result.vddkCalls.PrepareForAccess).toMatchObject({ calls: 1, errors: 0 });
    expect(result.vddkCalls.EndAccess).toMatchObject({ calls: 1, errors: 0 });
    expect(result.vddkCalls.Cleanup).toMatchObject({ calls: 2, errors: 0 });
    expect(result.vddkCalls.QueryAllocatedBlocks?.calls).toBe(result.disks.length);
    expect(result.vddkCalls.Read?.calls).toBeGreaterThan(0);
  }, 120_000);

  it('STEP-HOTADD-CLEANUP: a HotAdd disk a crashed earlier job left attached is cleaned up when the next backup starts', async () => {
    // An earlier job, same Lifeboat folder (same tmpDirectory), dies with a HotAdd disk open.
    const crashed = await VddkSession.start({
      vddkDir: labVddkDir(),
      tmpRoot: work,
      tmpDirectory: join(work, 'vddk-tmp'),
      extraConfigText: labVddkConfig(lab.info),
      extraConfig: { 'labvddk.stateDir': stateDir },
    });
    const conn = await crashed.connect({
      server: new URL(lab.info.url).hostname,
      thumbprint: lab.info.thumbprintSha1,
      userName: lab.info.username,
      password: lab.info.password,
      vmxSpec: `moref=${vm.value}`,
      transports: ['hotadd'],
    });
    const disk = await conn.openDisk(`[LocalDS_0] ${LAB_VMS.thinThick}/${LAB_VMS.thinThick}.vmdk`, {
      readOnly: true,
      keepaliveMs: 0,
    });
    expect(disk.transportMode).toBe('hotadd');
    process.kill(crashed.worker.pid!, 'SIGKILL');
    await expect(crashed.ping()).rejects.toThrow(/worker process/);
    await crashed.close();

    const result = await runBackup(jobOptions());
    expect(result.notes).toContain('VDDK Cleanup removed 1 leftover(s) of an earlier job that stopped uncleanly.');
    const cleanups = readFileSync(join(stateDir, 'labvddk-cleanup.log'), 'utf8').trim().split('\n');
    expect(cleanups.some((l) => / cleaned=1 remaining=0$/.test(l))).toBe(true);
  }, 120_000);

  it('DATA-ALLOCATION-UNKNOWN: a failing QueryAllocatedBlocks reads the disks whole and says so', async () => {
    const result = await runBackup(jobOptions({ full: true }, { 'labvddk.fault.failQueryAllocated': 1 }));
    expect(result.ok).toBe(true);
    for (const d of result.disks) {
      expect(d.allocationUnknown).toMatch(/VIX error 6/);
      expect(d.bytesRead).toBe(d.capacity);
    }
    expect(result.notes.filter((n) => n.startsWith('DATA-ALLOCATION-UNKNOWN:'))).toHaveLength(result.disks.length);
  }, 120_000);
});
