import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listJobHistory, readJobReport } from '../../../electron/engine/job-history';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';

describe('jobs on disk (jobs.history, jobs.report)', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'lifeboat-job-history-'));
    await mkdir(join(home, 'jobs'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const report = (jobId: string, startedAt: string, outcome: string) => ({
    jobId, kind: 'full-vm', vm: 'sql01', target: 'vc01 / ds1', restorePoint: { repository: '/r', pointId: 'p1', createdAt: null }, outcome,
    startedAt, finishedAt: startedAt, durationSeconds: 12.5, restoredVm: { moref: 'vm-9', name: 'sql01-restored' }, reason: 'ticket 7',
    findings: [{ rule: 'DATA-THIN-FIRST-WRITE', severity: 'info', message: 'thin', remedy: 'none' }],
    steps: [{ rule: 'STEP-POWER-ON', phase: 'power-on', title: 'Power the VM on', status: 'skipped', detail: null, durationSeconds: null }],
    disks: [{ key: 2000, label: 'Hard disk 1', transport: 'nbdssl', transportUsed: 'nbdssl', bytesWritten: 1024, bytesZeroSkipped: 0, bytesResumed: 0, megabytesPerSecond: 1, verified: true, sha256: null, signature: null }],
    errors: [],
  });

  it('lists finished jobs from their reports and interrupted ones from a checkpoint without a report, newest first; skips junk', async () => {
    await writeFile(join(home, 'jobs', 'restore-a-report.json'), JSON.stringify(report('restore-a', '2026-11-20T10:00:00Z', 'succeeded')));
    // restore-b: a checkpoint without a report, its process gone (the one job list of electron/jobs reads it).
    await RestoreCheckpointFile.create(home, { jobId: 'restore-b', request: { point: 'p2', connection: 'vc01', datastore: 'ds2' }, vm: null, cbtWasOn: null, phases: [], disks: {} });
    await writeFile(join(home, 'jobs', 'restore-c-report.json'), '{ half written');
    const rows = await listJobHistory(home);
    expect(rows.map((r) => [r.jobId, r.outcome])).toEqual([
      ['restore-b', 'interrupted'],
      ['restore-a', 'succeeded'],
    ]);
    expect(rows[0]).toMatchObject({ target: 'vc01', reportPath: null });
    expect(rows[1]).toMatchObject({ vm: 'sql01', restoredVm: 'sql01-restored', reason: 'ticket 7', reportPath: join(home, 'jobs', 'restore-a-report.html') });
  });

  it('reads one report for the in-app view, and says what to do when there is none', async () => {
    await writeFile(join(home, 'jobs', 'restore-a-report.json'), JSON.stringify(report('restore-a', '2026-11-20T10:00:00Z', 'failed')));
    const view = await readJobReport(home, 'restore-a');
    expect(view).toMatchObject({ outcome: 'failed', restoredVm: 'sql01-restored', steps: [{ rule: 'STEP-POWER-ON', status: 'skipped' }], disks: [{ verified: true }] });
    await expect(readJobReport(home, 'restore-x')).rejects.toMatchObject({ code: 'job-not-found' });
    await RestoreCheckpointFile.create(home, { jobId: 'restore-y', request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} });
    await expect(readJobReport(home, 'restore-y')).rejects.toMatchObject({ code: 'report-not-found' });
  });

  it('is empty when the jobs folder does not exist yet', async () => {
    await rm(join(home, 'jobs'), { recursive: true });
    expect(await listJobHistory(home)).toEqual([]);
  });
});
