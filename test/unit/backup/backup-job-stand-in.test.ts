import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBackupJob } from '../../../electron/backup/backup-job';
import { BackupFailedError } from '../../../electron/backup/backup-result';
import { BackupService, backupReportPath } from '../../../electron/engine/backup-service';
import { runningMarkerPath } from '../../../electron/jobs/job-liveness';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { patternBytes } from '../repository/memory-disk-image';
import { TEST_KDF, tempDir } from '../repository/repository-fixtures';
import { StandInBackupSource } from './stand-in-backup-source';

const MiB = 1024 * 1024;

/** The port calls of a backup that went well, in the order the rules ask (vCenter, two disks, change tracking already on). */
const READ_SESSION = [
  'removeStaleSnapshots',
  'startReader',
  'cleanup',
  'prepareForAccess',
  'createSnapshot:Lifeboat backup',
  'connect:snapshot-1',
];
const CLOSE_SESSION = [
  'closeDisk:2000',
  'closeDisk:2001',
  'disconnect',
  'cleanup',
  'disconnect',
  'removeSnapshot',
  'endAccess',
  'closeReader',
];

describe('backup job over the BackupSource port (stand-in source)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let repo: Repository;
  let source: StandInBackupSource;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lifeboat-backup-job-'));
    repo = await Repository.init(new LocalFolderBackend(`${dir}/repo`), 'pw', { kdf: TEST_KDF });
    source = new StandInBackupSource();
    const a = source.addDisk(2000, 16 * MiB);
    await a.write(0, patternBytes(64 * 1024, 1));
    await a.write(4 * MiB, patternBytes(2 * MiB, 2));
    const b = source.addDisk(2001, 8 * MiB);
    await b.write(MiB, patternBytes(MiB, 3));
    source.addDisk(2002, 4 * MiB, 'independent_persistent');
  });
  afterEach(() => cleanup());

  async function pointBytes(pointId: string, key: number, capacity: number): Promise<Buffer> {
    const point = await repo.openPoint(pointId);
    const disk = await point.disk(key);
    try {
      return await disk.read(0, capacity);
    } finally {
      await disk.close();
    }
  }

  it('a first backup turns change tracking on, reads the allocated areas of every disk in the rules order, and saves them', async () => {
    const result = await runBackupJob(source, { repo, vm: { name: 'web-01' } });
    expect(source.calls).toEqual([
      'findVm:web-01',
      'readVm',
      'readExtras',
      'enableChangeTracking',
      ...READ_SESSION,
      'openDisk:2000',
      'openDisk:2001',
      ...CLOSE_SESSION,
    ]);
    expect(result.kind).toBe('full');
    expect(result.disks.map((d) => [d.key, d.read, d.bytesRead])).toEqual([
      [2000, 'allocated', 64 * 1024 + 2 * MiB],
      [2001, 'allocated', MiB],
    ]);
    expect(result.skippedDisks).toEqual([{ key: 2002, label: 'Hard disk 3', diskMode: 'independent_persistent' }]);
    expect(result.notes).toContain('BACKUP-CBT-FIRST: change tracking was off on web-01; turned on before the snapshot.');
    expect(result.rulesApplied).toEqual(
      expect.arrayContaining(['BACKUP-CBT-FIRST', 'BACKUP-ALLOCATED-FIRST', 'BACKUP-SKIP-INDEPENDENT', 'BACKUP-SAVE-CONFIG']),
    );
    expect(result.nvramSaved).toBe(true);
    expect(source.snapshots.size).toBe(0);
    const saved = await source.contents(2000);
    expect((await pointBytes(result.pointId, 2000, 16 * MiB)).equals(saved)).toBe(true);
  });

  it('the next backup is incremental: only the changed areas since the saved change id, and the point is still complete', async () => {
    const first = await runBackupJob(source, { repo, vm: { name: 'web-01' } });
    await source.guestWrite(2000, 10 * MiB, patternBytes(512 * 1024, 9));
    source.calls.length = 0;
    const second = await runBackupJob(source, { repo, vm: { name: 'web-01' } });
    expect(second.kind).toBe('incremental');
    expect(second.parentPointId).toBe(first.pointId);
    expect(second.disks.map((d) => [d.key, d.read, d.bytesRead])).toEqual([
      [2000, 'changed', 512 * 1024],
      [2001, 'changed', 0],
    ]);
    expect(source.calls).toContain('changedAreas:2000:stand-in/1');
    expect(source.calls).not.toContain('enableChangeTracking');
    const now = await source.contents(2000);
    expect((await pointBytes(second.pointId, 2000, 16 * MiB)).equals(now)).toBe(true);
  });

  it('a read that fails saves no point; the snapshot is removed, then EndAccess, then the reader is closed', async () => {
    source.failRead(2);
    const failed = await runBackupJob(source, { repo, vm: { name: 'web-01' } }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(BackupFailedError);
    expect((failed as BackupFailedError).message).toMatch(
      /The backup of web-01 failed: VIX error 2 .* No restore point was saved\./,
    );
    expect(source.calls.slice(-5)).toEqual(['disconnect', 'cleanup', 'removeSnapshot', 'endAccess', 'closeReader']);
    expect(source.snapshots.size).toBe(0);
    expect(await repo.pointIds()).toEqual([]);
  });

  it('on a standalone ESXi host there is no PrepareForAccess/EndAccess, and a note says so', async () => {
    source.kind = 'esxi';
    const result = await runBackupJob(source, { repo, vm: { name: 'web-01' } });
    expect(source.calls).not.toContain('prepareForAccess');
    expect(source.calls).not.toContain('endAccess');
    expect(result.notes).toContain(
      'STEP-PREPARE-ACCESS: skipped, a standalone ESXi host has no PrepareForAccess/EndAccess (vCenter only).',
    );
  });

  it('an unknown VM fails before anything changes on the source', async () => {
    await expect(runBackupJob(source, { repo, vm: { name: 'nope' } })).rejects.toThrow(/No virtual machine named "nope"/);
    expect(source.calls).toEqual(['findVm:nope']);
  });
});

describe('backup service over the stand-in source', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let repo: Repository;
  let source: StandInBackupSource;
  let service: BackupService;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lifeboat-backup-service-'));
    repo = await Repository.init(new LocalFolderBackend(`${dir}/repo`), 'pw', { kdf: TEST_KDF });
    source = new StandInBackupSource();
    await source.addDisk(2000, 16 * MiB).write(0, patternBytes(MiB, 1));
    service = new BackupService({
      home: `${dir}/home`,
      connections: null as never,
      secrets: null as never,
      openRepository: async () => repo,
      vddk: async () => ({ dir: '/nowhere', tmpDirectory: `${dir}/tmp` }),
      openSource: async () => ({ source, close: async () => undefined }),
    });
  });
  afterEach(() => cleanup());

  const request = () => service.parseRequest({ repo: `${dir}/repo`, connection: 'lab', vm: 'web-01' });

  it('plans what will be read and why (BACKUP-* rules), changing nothing, then runs that plan and writes the report', async () => {
    const plan = await service.plan(request());
    expect(plan.kind).toBe('full');
    expect(plan.disks).toEqual([
      expect.objectContaining({
        key: 2000,
        read: 'allocated',
        bytesToReadAtMost: 16 * MiB,
        why: expect.stringMatching(/^BACKUP-ALLOCATED-FIRST: the repository has no earlier restore point/),
      }),
    ]);
    expect(plan.steps.map((s) => s.rule)).toEqual(['BACKUP-CBT-FIRST', 'BACKUP-SAVE-CONFIG', 'BACKUP-ALLOCATED-FIRST']);
    expect(plan.snapshot).toMatchObject({ quiesce: false, memory: false });
    expect(source.calls).toEqual(['findVm:web-01', 'readVm']);

    const started: string[] = [];
    const run = await service.start(request(), {
      jobId: 'backup-test-1',
      onStart: ({ jobId, plan: p }) => started.push(`${jobId}:${p.kind}`),
    });
    expect(started).toEqual(['backup-test-1:full']);
    expect(run.result.kind).toBe('full');
    expect(run.reportFile).toBe(backupReportPath(`${dir}/home`, 'backup-test-1'));
    const report = JSON.parse(readFileSync(run.reportFile, 'utf8'));
    expect(report).toMatchObject({
      kind: 'backup',
      jobId: 'backup-test-1',
      request: { vm: 'web-01', transport: 'nbdssl' },
      result: { pointId: run.result.pointId },
    });
    expect(existsSync(runningMarkerPath(`${dir}/home`, 'backup-test-1'))).toBe(false);

    const next = await service.plan(request());
    expect(next.kind).toBe('incremental');
    expect(next.parentPointId).toBe(run.result.pointId);
    expect(next.disks[0]!.why).toMatch(/^changed areas since the restore point/);
  });

  it('a full backup asked for says so; a failed backup leaves a report that says what went wrong', async () => {
    await service.start(request(), { jobId: 'backup-test-2' });
    const full = await service.plan(service.parseRequest({ repo: `${dir}/repo`, connection: 'lab', vm: 'web-01', full: true }));
    expect(full.disks[0]!.why).toMatch(/^BACKUP-ALLOCATED-FIRST: a full backup was asked for/);
    source.failRead(1);
    await expect(
      service.start(service.parseRequest({ repo: `${dir}/repo`, connection: 'lab', vm: 'web-01', full: true }), {
        jobId: 'backup-test-3',
      }),
    ).rejects.toThrow(BackupFailedError);
    const report = JSON.parse(readFileSync(backupReportPath(`${dir}/home`, 'backup-test-3'), 'utf8'));
    expect(report.error.message).toMatch(/No restore point was saved/);
    expect(report.error.code).toBe('backup-failed');
  });

  it('refuses a malformed request, naming the field', () => {
    expect(() => service.parseRequest({ repo: '/r', connection: 'lab', vm: 'web-01', transport: 'pigeon' })).toThrow(/transport/);
    expect(() => service.parseRequest({ repo: '/r', connection: 'lab', vm: 'web-01', password: 'x' })).toThrow(/not valid/);
  });
});
