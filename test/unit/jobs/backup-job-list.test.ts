import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJobReport, listJobHistory } from '../../../electron/engine/job-history';
import { backupRecordPath } from '../../../electron/jobs/backup-job-record';
import { markJobRunning, runningMarkerPath } from '../../../electron/jobs/job-liveness';
import { listJobs, showJob } from '../../../electron/jobs/job-list';

/** Backup jobs as the backup service leaves them: `<jobs>/backups/<id>.json` (started, then ended) and the running mark. */
describe('backup jobs in the job list', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'lifeboat-backup-jobs-'));
    await mkdir(join(home, 'jobs', 'backups'), { recursive: true });
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const request = { repo: '/r/repo', connection: 'lab', vm: 'app01', full: false, transport: 'nbdssl', quiesce: false };
  const plan = { vm: 'app01', kind: 'incremental', parentPointId: 'p0' };
  async function record(jobId: string, extra: Record<string, unknown> = {}) {
    await writeFile(backupRecordPath(home, jobId), JSON.stringify({ kind: 'backup', jobId, startedAt: '2026-03-01T10:00:00.000Z', request, plan, ...extra }));
  }
  const ended = { finishedAt: '2026-03-01T10:00:30.000Z' };
  const result = {
    ok: true,
    pointId: 'p1',
    kind: 'incremental',
    bytesRead: 4096,
    vm: { name: 'app01', moref: 'vm-1', server: 'vc' },
    disks: [{ key: 2000, label: 'Hard disk 1', read: 'changed', bytesRead: 4096, transportMode: 'nbdssl' }],
    steps: [{ rule: 'BACKUP-SAVE-CONFIG', order: 1, description: 'Save the VM configuration' }],
    findings: [],
  };

  it('lists succeeded, failed and cancelled backups with kind, VM, connection, point, times and the report', async () => {
    await record('backup-ok', { ...ended, result });
    await record('backup-bad', { ...ended, error: { message: 'the snapshot failed', code: 'backup-failed', kind: 'failed', notes: ['snapshot removed'] } });
    await record('backup-stop', { ...ended, error: { message: 'cancelled by the user', code: 'cancelled', kind: 'cancelled' } });
    const jobs = await listJobs(home);
    expect(jobs.map((j) => [j.id, j.kind, j.state, j.resumable])).toEqual(
      expect.arrayContaining([
        ['backup-ok', 'backup', 'succeeded', false],
        ['backup-bad', 'backup', 'failed', false],
        ['backup-stop', 'backup', 'cancelled', false],
      ]),
    );
    expect(jobs.find((j) => j.id === 'backup-ok')).toMatchObject({
      backupKind: 'incremental',
      vm: 'app01',
      connection: 'lab',
      pointId: 'p1',
      startedAt: '2026-03-01T10:00:00.000Z',
      finishedAt: '2026-03-01T10:00:30.000Z',
      reportFiles: { json: backupRecordPath(home, 'backup-ok'), html: null },
    });
    const show = await showJob(home, 'backup-bad');
    expect(show.backup?.error?.message).toBe('the snapshot failed');
    expect(show.request).toMatchObject({ repo: '/r/repo', vm: 'app01' });
  });

  it('a started backup is running while its process lives, interrupted once the process is gone', async () => {
    await record('backup-live');
    const unmark = await markJobRunning(home, 'backup-live');
    expect((await showJob(home, 'backup-live')).state).toBe('running');
    await unmark();
    expect((await showJob(home, 'backup-live')).state).toBe('interrupted');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await writeFile(runningMarkerPath(home, 'backup-live'), JSON.stringify({ pid: Number(dead), host: hostname() }));
    const job = await showJob(home, 'backup-live');
    expect([job.state, job.finishedAt, job.reportFiles]).toEqual(['interrupted', null, null]);
  });

  it('the Jobs page rows and report view carry backups: kind, point, bytes read per disk, errors', async () => {
    await record('backup-ok', { ...ended, result });
    await record('backup-bad', { ...ended, error: { message: 'the snapshot failed', code: 'backup-failed', kind: 'failed', notes: ['snapshot removed'] } });
    const rows = await listJobHistory(home);
    expect(rows.find((r) => r.jobId === 'backup-ok')).toMatchObject({
      kind: 'backup',
      backupKind: 'incremental',
      vm: 'app01',
      target: 'lab',
      outcome: 'succeeded',
      pointId: 'p1',
      durationSeconds: 30,
      resumable: false,
      reportPath: backupRecordPath(home, 'backup-ok'),
    });
    const ok = await readJobReport(home, 'backup-ok');
    expect(ok).toMatchObject({ kind: 'backup', pointId: 'p1', bytesRead: 4096, htmlPath: null, jsonPath: backupRecordPath(home, 'backup-ok') });
    expect(ok.disks).toEqual([{ key: 2000, label: 'Hard disk 1', transportUsed: 'nbdssl', bytesWritten: 4096, verified: null }]);
    expect(ok.steps.map((s) => s.rule)).toEqual(['BACKUP-SAVE-CONFIG']);
    expect((await readJobReport(home, 'backup-bad')).errors).toEqual(['the snapshot failed', 'snapshot removed']);
  });

  it('a record that is not a backup record is not a job', async () => {
    await writeFile(backupRecordPath(home, 'junk'), '{"half');
    await writeFile(backupRecordPath(home, 'other'), JSON.stringify({ kind: 'restore' }));
    expect(await listJobs(home)).toEqual([]);
  });
});
