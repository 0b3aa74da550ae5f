import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult, JobSnapshot, RecoveryJobState, RecoveryPlanSource, RecoveryPlanView, RecoveryProgress } from '../../../electron/api/contract';
import type { RecoveryRunResult } from '../../../electron/api/schemas/recovery-schema';
import { createEngine, type LifeboatEngine } from '../../../electron/engine/lifeboat-engine';
import type { RecoveryRunner } from '../../../electron/engine/recovery-handlers';
import type { RecoveryRunOptions, RecoveryServiceDeps } from '../../../electron/engine/recovery-service';
import { BadInputError, CancelledError, PlanBlockedError } from '../../../electron/errors/lifeboat-error';
import { RecoveryCheckpointFile } from '../../../electron/recovery/recovery-checkpoint';
import { MemorySecretStore } from '../../support/memory-secret-store';
import { finishedProgress, okPlan, runningProgress } from '../../renderer/recovery-fixtures';

/** A plan file error as the planner raises it: the file's problems, each with its line. */
class StandInFileError extends BadInputError {
  constructor(readonly issues: Array<{ line: number; path: string; message: string }>) {
    super('the recovery plan file site-a.yaml is not valid (2 problems)', 'recovery-file-invalid', 'Fix the lines named and open the file again.');
  }
}

type Run = (source: RecoveryPlanSource, options: RecoveryRunOptions) => Promise<RecoveryRunResult>;

/**
 * A STAND-IN for the recovery service (the real one plans with live facts and
 * runs restores against vCenter; this one only follows the script a test sets),
 * so the handlers' own logic is what these tests judge.
 */
class StandInRecoveryService implements RecoveryRunner {
  readonly starts: Array<{ source: RecoveryPlanSource; resumeJobId?: string }> = [];
  planAnswer: () => Promise<RecoveryPlanView> = async () => okPlan;
  run: Run = () => Promise.reject(new Error('no run scripted'));

  constructor(readonly deps: RecoveryServiceDeps) {}

  plan(): Promise<RecoveryPlanView> {
    return this.planAnswer();
  }

  start(source: RecoveryPlanSource, options: RecoveryRunOptions): Promise<RecoveryRunResult> {
    this.starts.push({ source, resumeJobId: options.resumeJobId });
    return this.run(source, options);
  }
}

const result = (p: RecoveryProgress): RecoveryRunResult => ({
  ...p,
  ok: p.state === 'succeeded',
  hostUtilisation: p.hosts.map((h) => ({ host: h.name, cap: h.cap, peakStreams: h.peakStreams, utilisation: 0.5 })),
  report: { json: '/home/jobs/recovery-1-report.json', html: '/home/jobs/recovery-1-report.html' },
});

function value<T>(r: CallResult): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** Resolves with the first pushed event that matches. */
function nextEvent<T>(engine: LifeboatEngine, name: string, match: (p: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const stop = engine.events.subscribe((n, payload) => {
      if (n === name && match(payload as T)) {
        stop();
        resolve(payload as T);
      }
    });
  });
}

describe('recovery handlers (engine API, stand-in recovery service)', () => {
  let dir: string;
  let service: StandInRecoveryService;
  let engine: LifeboatEngine;
  const source = { path: '/plans/site-a.yaml' };
  const engineAt = (home: string) =>
    createEngine({
      frontDoor: 'browser',
      home,
      secretStore: new MemorySecretStore(),
      env: {},
      recoveryService: (deps) => (service = new StandInRecoveryService(deps)),
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-recovery-handlers-'));
    engine = engineAt(dir);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('plans through the service; a bad file comes back as a WireError with code, hint and every problem with its line', async () => {
    expect(value<RecoveryPlanView>(await engine.dispatcher.call('recovery.plan', source)).name).toBe('Site A failover');
    service.planAnswer = () =>
      Promise.reject(
        new StandInFileError([
          { line: 4, path: 'groups.0.vms.0.point', message: 'expected "latest", "latest before <time>" or a restore point id' },
          { line: 9, path: 'groups.1', message: 'unknown field "wait"' },
        ]),
      );
    const bad = await engine.dispatcher.call('recovery.plan', { text: 'name: x\n', name: 'site-a.yaml' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error).toMatchObject({ code: 'recovery-file-invalid', hint: 'Fix the lines named and open the file again.' });
    expect(bad.error.issues).toEqual([
      { line: 4, path: 'groups.0.vms.0.point', message: expect.stringContaining('latest') },
      { line: 9, path: 'groups.1', message: 'unknown field "wait"' },
    ]);
    // A source that is neither a path nor text is refused at the boundary.
    const neither = await engine.dispatcher.call('recovery.plan', { file: '/x' });
    expect(!neither.ok && neither.error.code).toBe('invalid-input');
    service.planAnswer = async () => okPlan;
  });

  it('opens the plan\'s repository only if it is open in this session, else says where to open it', async () => {
    await expect(service.deps.openRepository('/backups/site')).rejects.toMatchObject({
      code: 'repository-not-open',
      hint: expect.stringContaining('Open the repository /backups/site on the Repositories page first'),
    });
  });

  it('a blocked plan is the answer to start (rule, hint), and no job is registered', async () => {
    service.run = () => Promise.reject(new PlanBlockedError('the plan is blocked by DATA-THIN-SPACE: ds-bulk is too small; nothing was changed', 'DATA-THIN-SPACE', 'Free space on ds-bulk.'));
    const before = engine.jobs.list().length;
    const blocked = await engine.dispatcher.call('recovery.start', source);
    expect(!blocked.ok && blocked.error).toMatchObject({ code: 'plan-blocked', rule: 'DATA-THIN-SPACE', hint: 'Free space on ds-bulk.' });
    expect(engine.jobs.list()).toHaveLength(before);
  });

  it('runs as a job of kind recovery: progress pushed as recovery.onProgress and mirrored as job snapshots to the end', async () => {
    let finish: () => void = () => undefined;
    service.run = (_s, options) =>
      new Promise((resolve) => {
        options.onStart?.({ jobId: 'recovery-1', plan: okPlan });
        options.onProgress?.(runningProgress);
        finish = () => resolve(result(finishedProgress));
      });
    const running = nextEvent<JobSnapshot>(engine, 'jobs.onProgress', (j) => j.id === 'recovery-1' && j.bytesDone === runningProgress.bytesDone);
    const { jobId } = value<{ jobId: string }>(await engine.dispatcher.call('recovery.start', source));
    expect(jobId).toBe('recovery-1');
    const snapshot = await running;
    expect(snapshot).toMatchObject({ kind: 'recovery', phase: 'running', bytesTotal: runningProgress.bytesTotal, step: 'Databases: 0 of 2 VMs done' });
    expect(snapshot.title).toContain('Site A failover: 3 VMs in 2 groups');
    expect(value<RecoveryJobState>(await engine.dispatcher.call('recovery.get', { jobId }))).toMatchObject({ state: 'running', interrupted: false, resumable: true });

    const pushedEnd = nextEvent<RecoveryProgress>(engine, 'recovery.onProgress', (p) => p.jobId === jobId && p.state === 'succeeded');
    const jobEnd = nextEvent<JobSnapshot>(engine, 'jobs.onProgress', (j) => j.id === jobId && j.phase === 'succeeded');
    finish();
    const [end, job] = await Promise.all([pushedEnd, jobEnd]);
    // The event carries the progress only (the run result's extra fields stay out of it).
    expect(end).not.toHaveProperty('hostUtilisation');
    expect(end.vms.every((v) => v.state === 'succeeded')).toBe(true);
    expect(job).toMatchObject({ reportPath: '/home/jobs/recovery-1-report.html', outcome: 'Site A failover: succeeded; 3 of 3 VMs restored', error: null });
    expect(value<RecoveryJobState>(await engine.dispatcher.call('recovery.get', { jobId }))).toMatchObject({ state: 'succeeded', interrupted: false });
  });

  it('jobs.cancel aborts the run; the job and the last progress end cancelled; resume runs the same source with the job id', async () => {
    service.run = (_s, options) =>
      new Promise((_resolve, reject) => {
        options.onStart?.({ jobId: 'recovery-2', plan: okPlan });
        options.onProgress?.({ ...runningProgress, jobId: 'recovery-2' });
        options.signal?.addEventListener('abort', () => reject(new CancelledError()));
      });
    const text = { text: 'name: Site A failover\n', name: 'site-a.yaml', baseDir: '/plans' };
    const { jobId } = value<{ jobId: string }>(await engine.dispatcher.call('recovery.start', text));
    const cancelledJob = nextEvent<JobSnapshot>(engine, 'jobs.onProgress', (j) => j.id === jobId && j.phase === 'cancelled');
    const cancelledProgress = nextEvent<RecoveryProgress>(engine, 'recovery.onProgress', (p) => p.jobId === jobId && p.state === 'cancelled');
    expect(value<{ cancelled: boolean }>(await engine.dispatcher.call('jobs.cancel', { jobId }))).toEqual({ cancelled: true });
    expect((await cancelledJob).error).toBe('cancelled by the user');
    expect((await cancelledProgress).finishedAt).not.toBeNull();

    service.run = (_s, options) =>
      new Promise((resolve) => {
        options.onStart?.({ jobId: options.resumeJobId!, plan: okPlan });
        resolve(result({ ...finishedProgress, jobId: options.resumeJobId! }));
      });
    const resumedEnd = nextEvent<JobSnapshot>(engine, 'jobs.onProgress', (j) => j.id === jobId && j.phase === 'succeeded');
    expect(value<{ jobId: string }>(await engine.dispatcher.call('recovery.resume', { jobId }))).toEqual({ jobId });
    expect(service.starts.at(-1)).toEqual({ source: text, resumeJobId: jobId });
    await resumedEnd;
  });

  it('resume of a recovery with no plan file the app can find says where to resume it', async () => {
    const r = await engine.dispatcher.call('recovery.resume', { jobId: 'recovery-from-cli' });
    expect(!r.ok && r.error).toMatchObject({ code: 'recovery-not-found', hint: 'Resume it where it was started: lifeboat recovery run FILE --resume recovery-from-cli' });
  });

  it('after an engine restart, a recovery that was running reads as interrupted and resumes from its saved source', async () => {
    service.run = (_s, options) =>
      new Promise(() => {
        options.onStart?.({ jobId: 'recovery-3', plan: okPlan });
        options.onProgress?.({ ...runningProgress, jobId: 'recovery-3' });
      });
    const { jobId } = value<{ jobId: string }>(await engine.dispatcher.call('recovery.start', source));
    // The first progress is saved at once (later ones at most every two seconds); wait until it is on disk.
    const file = join(dir, 'recovery-api', `${jobId}.json`);
    await expect.poll(async () => (await readFile(file, 'utf8').catch(() => '')).includes('"state":"running"')).toBe(true);

    const restarted = engineAt(dir);
    const state = value<RecoveryJobState>(await restarted.dispatcher.call('recovery.get', { jobId }));
    expect(state).toMatchObject({ jobId, state: 'running', interrupted: true, resumable: true });
    service.run = (_s, options) =>
      new Promise((resolve) => {
        options.onStart?.({ jobId: options.resumeJobId!, plan: okPlan });
        resolve(result({ ...finishedProgress, jobId: options.resumeJobId! }));
      });
    expect(value<{ jobId: string }>(await restarted.dispatcher.call('recovery.resume', { jobId }))).toEqual({ jobId });
    expect(service.starts.at(-1)).toEqual({ source, resumeJobId: jobId });
  });

  it('a recovery the CLI started (only its own checkpoint on disk) is shown as interrupted and resumes from the plan file it names', async () => {
    const jobId = 'recovery-cli-1';
    await RecoveryCheckpointFile.create(dir, {
      jobId,
      name: okPlan.name,
      source: '/plans/site-a.yaml',
      sourceSha256: okPlan.sourceSha256,
      state: 'running',
      plan: okPlan,
      vms: runningProgress.vms.map((v) => ({ ...v, request: {}, streams: 1, runs: v.startedAt ? 1 : 0 })),
      groups: runningProgress.groups.map((g) => ({ name: g.name, startedAt: g.startedAt, upAt: g.upAt })),
      runs: [{ startedAt: runningProgress.startedAt, finishedAt: null }],
      startedAt: runningProgress.startedAt,
    });
    const fresh = engineAt(dir);
    const state = value<RecoveryJobState>(await fresh.dispatcher.call('recovery.get', { jobId }));
    expect(state).toMatchObject({ jobId, state: 'running', interrupted: true, resumable: true, bytesDone: runningProgress.bytesDone });
    expect(state.vms.map((v) => v.state)).toEqual(['succeeded', 'running', 'waiting']);
    service.run = (_s, options) =>
      new Promise((resolve) => {
        options.onStart?.({ jobId: options.resumeJobId!, plan: okPlan });
        resolve(result({ ...finishedProgress, jobId: options.resumeJobId! }));
      });
    expect(value<{ jobId: string }>(await fresh.dispatcher.call('recovery.resume', { jobId }))).toEqual({ jobId });
    expect(service.starts.at(-1)).toEqual({ source: { path: '/plans/site-a.yaml' }, resumeJobId: jobId });
  });
});
