import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { homePaths } from '../../../electron/config/paths';
import { BadInputError } from '../../../electron/errors/lifeboat-error';
import { markJobRunning, runningMarkerPath } from '../../../electron/jobs/job-liveness';
import { listJobs, showJob } from '../../../electron/jobs/job-list';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';

/** Jobs as the restore job leaves them on disk: checkpoint, report, running marker. */
describe('the job list over <home>/jobs', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'lifeboat-jobs-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  async function checkpoint(jobId: string) {
    return RestoreCheckpointFile.create(home, {
      jobId,
      request: { kind: 'full-vm', connection: 'lab', point: 'abc123', name: 'app01-restored' },
      vm: { moref: 'vm-42', name: 'app01-restored' },
      cbtWasOn: null,
      phases: [{ phase: 'create-vm', rule: 'STEP-CONFIG-FROM-CONFIGINFO', title: 'Create the VM', status: 'done', detail: null, startedAt: null, finishedAt: null }],
      disks: {},
    });
  }
  async function report(jobId: string, outcome: 'succeeded' | 'failed' | 'cancelled', finishedAt: string) {
    const file = join(homePaths.jobs(home), `${jobId}-report.json`);
    await writeFile(file, JSON.stringify({ jobId, kind: 'full-vm', vm: 'app01', outcome, startedAt: '2026-01-01T00:00:00.000Z', finishedAt, restoredVm: { moref: 'vm-42', name: 'app01-restored' }, restorePoint: { pointId: 'abc123' }, errors: [] }));
  }
  const later = () => new Date(Date.now() + 60_000).toISOString();

  it('is empty when no job ever ran', async () => {
    expect(await listJobs(home)).toEqual([]);
  });

  it('takes the outcome from the report of the last run, with the report files', async () => {
    await checkpoint('restore-a');
    await report('restore-a', 'succeeded', later());
    await checkpoint('restore-b');
    await report('restore-b', 'failed', later());
    const jobs = await listJobs(home);
    expect(jobs.map((j) => [j.id, j.state, j.resumable])).toEqual(
      expect.arrayContaining([
        ['restore-a', 'succeeded', false],
        ['restore-b', 'failed', true],
      ]),
    );
    const a = jobs.find((j) => j.id === 'restore-a')!;
    expect(a).toMatchObject({ kind: 'restore', restoreKind: 'full-vm', vm: 'app01', restoredVm: 'app01-restored', connection: 'lab', pointId: 'abc123' });
    expect(a.reportFiles?.html).toBe(join(homePaths.jobs(home), 'restore-a-report.html'));
    expect(a.finishedAt).not.toBeNull();
  });

  it('a checkpoint without a report, or newer than its report (a resume that did not finish), is interrupted', async () => {
    await checkpoint('restore-killed');
    await report('restore-resumed', 'failed', '2026-01-01T00:00:01.000Z');
    await checkpoint('restore-resumed');
    const jobs = await listJobs(home);
    expect(jobs.map((j) => [j.id, j.state, j.resumable, j.finishedAt])).toEqual(
      expect.arrayContaining([
        ['restore-killed', 'interrupted', true, null],
        ['restore-resumed', 'interrupted', true, null],
      ]),
    );
  });

  it('is running while its process lives, interrupted once the process is gone', async () => {
    await checkpoint('restore-live');
    const unmark = await markJobRunning(home, 'restore-live');
    expect((await showJob(home, 'restore-live')).state).toBe('running');
    await unmark();
    expect((await showJob(home, 'restore-live')).state).toBe('interrupted');
    // A marker left by a process that was killed: its pid no longer exists.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await writeFile(runningMarkerPath(home, 'restore-live'), JSON.stringify({ pid: Number(dead), host: hostname() }));
    expect((await showJob(home, 'restore-live')).state).toBe('interrupted');
  });

  it('shows one job with its phases and report; an unknown id is bad input', async () => {
    await checkpoint('restore-c');
    await report('restore-c', 'cancelled', later());
    const job = await showJob(home, 'restore-c');
    expect(job.state).toBe('cancelled');
    expect(job.phases.map((p) => p.rule)).toEqual(['STEP-CONFIG-FROM-CONFIGINFO']);
    expect(job.report?.outcome).toBe('cancelled');
    await expect(showJob(home, 'restore-none')).rejects.toBeInstanceOf(BadInputError);
    await expect(showJob(home, '../etc/passwd')).rejects.toMatchObject({ code: 'job-not-found' });
  });
});
