import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup, type BackupJobOptions } from '../../../electron/backup/backup-runner';
import type { BackupProgress } from '../../../electron/backup/backup-progress';
import { BackupFailedError } from '../../../electron/backup/backup-result';
import { vmSnapshots } from '../../../electron/backup/source-vm-facts';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { type RunningLab } from '../../../electron/lab/vcsim-process';
import { Repository } from '../../../electron/repository/repository';
import { RepositoryLock } from '../../../electron/repository/repository-lock';
import { pruneRepository } from '../../../electron/repository/repository-prune';
import { VimSession } from '../../../electron/vsphere/vim-session';
import type { MoRef } from '../../../electron/vsphere/vim-types';
import { createSnapshot } from '../../../electron/vsphere/vm-operations';
import { accessLog, type BackupLab, startBackupLab, writeThroughLabVddk } from '../backup/lab-backup-fixture';

const ROOT = resolve(__dirname, '..', '..', '..');

/** The PID of a process that has ended (what a killed backup's marker names). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((done) => child.on('exit', done));
  return child.pid!;
}

describe('what killed backups leave behind (vcenter lab)', () => {
  let lab: RunningLab;
  let session: VimSession;
  let repo: Repository;
  let vm: MoRef;
  let work: string;
  let stateDir: string;

  let backupLab: BackupLab;
  const jobOptions = (extra: Partial<BackupJobOptions> = {}, extraConfig: Record<string, string | number> = {}): BackupJobOptions =>
    backupLab.jobOptions(extra, extraConfig);

  beforeAll(async () => {
    backupLab = await startBackupLab('lifeboat-leftovers-it-');
    ({ lab, session, repo, vm, work, stateDir } = backupLab);
    // Some data on the thin disk, as the lab backup tests do before a first backup.
    await writeThroughLabVddk(lab.info, vm.value, `[LocalDS_0] ${LAB_VMS.thinThick}/${LAB_VMS.thinThick}.vmdk`, [
      { offset: 0, data: Buffer.alloc(64 * 1024, 1) },
    ]);
  }, 180_000);

  afterAll(async () => {
    await backupLab?.close();
  });

  it('a repository in use fails the backup before any snapshot is taken or any disk read', async () => {
    const prune = await RepositoryLock.acquire(repo.backend, repo.keys, 'exclusive', 'prune');
    const phases: Array<BackupProgress['phase']> = [];
    try {
      const failed = await runBackup(jobOptions({ onProgress: (p) => phases.push(p.phase) })).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(BackupFailedError);
      expect((failed as Error).message).toMatch(/in use: prune/);
    } finally {
      await prune.release();
    }
    expect(phases).not.toContain('snapshot');
    expect(phases).not.toContain('reading');
    expect(accessLog(stateDir)).toEqual([]);
    expect(await vmSnapshots(session, vm)).toEqual([]);
  }, 120_000);

  it('removes the snapshots killed backups of this VM left, by their marker, and backs up', async () => {
    const killed = `Taken by Lifeboat for a backup; removed when the backup ends. [lifeboat-backup host=${hostname()} pid=${await deadPid()}]`;
    // One at a time: vcsim 0.24 deletes a disk descriptor when one of several snapshots is removed
    // (its removeSnapshotFiles matches layout keys wrongly), which real vSphere never does.
    await createSnapshot(session, vm, 'Lifeboat backup 2026-11-29T10:00:00.000Z', {
      description: killed,
      memory: false,
      quiesce: false,
    });
    expect(await vmSnapshots(session, vm)).toHaveLength(1);

    const result = await runBackup(jobOptions());
    expect(result.notes.filter((n) => /left by an interrupted backup/.test(n))).toHaveLength(1);
    expect(await vmSnapshots(session, vm)).toEqual([]);
    expect((await repo.listPoints()).map((p) => p.id)).toEqual([result.pointId]);
  }, 180_000);

  it('a backup killed mid-read leaves a snapshot and a lock: prune runs at once and the next backup removes the snapshot', async () => {
    const script = join(ROOT, 'test-output', 'repository', `backup-process-${process.pid}.cjs`);
    await build({
      entryPoints: [join(__dirname, 'backup-process.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      outfile: script,
      logLevel: 'silent',
    });
    // Its own process group, so the kill takes its VDDK worker too, as a killed job would lose it.
    const child = spawn(process.execPath, [script, JSON.stringify(lab.info), join(work, 'repo'), stateDir, work], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const exited = new Promise((done) => child.on('exit', done));
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('reading')) done();
        if (d.toString().includes('finished')) fail(new Error('the backup finished before it could be killed'));
      });
      child.on('exit', (code) => fail(new Error(`the backup process exited early (${code})`)));
    });
    process.kill(-child.pid!, 'SIGKILL');
    await exited;

    const leftovers = (await vmSnapshots(session, vm)).map((s) => s.name);
    expect(leftovers).toHaveLength(1);
    expect(leftovers[0]).toMatch(/^Lifeboat backup /);
    expect(await repo.backend.list('locks/')).toHaveLength(1);

    await pruneRepository(repo);
    expect(await repo.backend.list('locks/')).toEqual([]);
    const result = await runBackup(jobOptions());
    expect(result.notes).toContain(`Removed the snapshot "${leftovers[0]}" left by an interrupted backup.`);
    expect(await vmSnapshots(session, vm)).toEqual([]);
  }, 180_000);
});
