import { RecoveryProgress, type RecoveryJobState, type RecoveryPlanSource, type RecoveryPlanView, type RecoveryRunResult } from '../api/schemas/recovery-schema';
import { isAbsolute } from 'node:path';
import { BadInputError } from '../errors/lifeboat-error';
import { isJobRunning } from '../jobs/job-liveness';
import { RecoveryCheckpointFile, type RecoveryCheckpoint } from '../recovery/recovery-checkpoint';
import { HostStreamMeter, recoveryProgress } from '../recovery/recovery-run-progress';
import type { EventHub } from './event-hub';
import type { JobRegistry } from './job-registry';
import { rateOf } from './job-rate';
import { RecoveryJobRecords } from './recovery-job-record';
import type { RecoveryRunOptions } from './recovery-service';

/** What the handlers need of the recovery service (the engine gives the real one; unit tests a stand-in). */
export interface RecoveryRunner {
  plan(source: RecoveryPlanSource): Promise<RecoveryPlanView>;
  start(source: RecoveryPlanSource, options: RecoveryRunOptions): Promise<RecoveryRunResult>;
}

export interface RecoveryHandlerDeps {
  home: string;
  jobs: JobRegistry;
  events: EventHub;
  service: RecoveryRunner;
}

/** Between state changes, at most one progress record write per job in this interval (the event stream itself is not slowed). */
const SAVE_INTERVAL_MS = 2000;

/** The Jobs page's one-line step of a running recovery: the groups running now and how many of their VMs are done. */
function stepOf(p: RecoveryProgress): string {
  const running = p.groups.filter((g) => g.state === 'running' || g.state === 'waiting-delay');
  if (running.length === 0) return 'Starting';
  return running
    .map((g) => {
      const vms = p.vms.filter((v) => v.group === g.name);
      const done = vms.filter((v) => ['succeeded', 'failed', 'skipped', 'cancelled'].includes(v.state)).length;
      return g.state === 'waiting-delay' ? `${g.name}: up, waiting its delay` : `${g.name}: ${done} of ${vms.length} VMs done`;
    })
    .join('; ');
}

function outcomeOf(r: RecoveryRunResult): string {
  const count = (state: string) => r.vms.filter((v) => v.state === state).length;
  return `${r.name}: ${r.state}; ${count('succeeded')} of ${r.vms.length} VMs restored${count('failed') ? `, ${count('failed')} failed` : ''}`;
}

/**
 * recovery.plan / start / resume / get: the recovery service behind the API.
 * A run is one registered job of kind `recovery` (so the Jobs page lists it
 * and jobs.cancel stops it); its RecoveryProgress is pushed as
 * recovery.onProgress and mirrored as JobSnapshots.
 */
export class RecoveryHandlers {
  private readonly last = new Map<string, RecoveryProgress>();
  private readonly active = new Set<string>();
  /** The plan source of every recovery this engine ran, and each job's record writes in order (one at a time). */
  private readonly sources = new Map<string, RecoveryPlanSource>();
  private readonly writes = new Map<string, Promise<void>>();
  private readonly records: RecoveryJobRecords;

  constructor(private readonly deps: RecoveryHandlerDeps) {
    this.records = new RecoveryJobRecords(deps.home);
  }

  plan(source: RecoveryPlanSource): Promise<RecoveryPlanView> {
    return this.deps.service.plan(source);
  }

  start(source: RecoveryPlanSource): Promise<{ jobId: string }> {
    return this.launch(source);
  }

  async resume(jobId: string): Promise<{ jobId: string }> {
    if (this.active.has(jobId)) throw new BadInputError(`the recovery ${jobId} is running now`, 'recovery-running', 'Watch it on the Recovery page, or cancel it first.');
    const known = this.sources.get(jobId);
    const record = known ? { source: known } : ((await this.records.load(jobId)) ?? (await this.fromCheckpoint(jobId))?.record);
    if (!record) {
      throw new BadInputError(
        `this workstation's app did not start the recovery ${jobId}, so it does not know its plan file`,
        'recovery-not-found',
        `Resume it where it was started: lifeboat recovery run FILE --resume ${jobId}`,
      );
    }
    return this.launch(record.source, jobId);
  }

  async get(jobId: string): Promise<RecoveryJobState> {
    const record = this.last.has(jobId) ? null : await this.records.load(jobId);
    const progress = this.last.get(jobId) ?? record?.progress;
    if (progress) return { ...progress, interrupted: progress.state === 'running' && !this.active.has(jobId), resumable: true };
    // A recovery this engine did not start (the CLI's): its own checkpoint says where it stands.
    const cli = await this.fromCheckpoint(jobId);
    if (!cli) throw new BadInputError(`there is no recovery job ${jobId} on this workstation`, 'recovery-not-found', 'See the Jobs page for the jobs on this workstation.');
    const running = await isJobRunning(this.deps.home, jobId);
    const finishedAt = cli.checkpoint.state === 'running' ? null : (cli.checkpoint.runs.at(-1)?.finishedAt ?? null);
    return { ...recoveryProgress(cli.checkpoint, new HostStreamMeter(new Map()), new Set(), finishedAt), interrupted: cli.checkpoint.state === 'running' && !running, resumable: cli.record !== null };
  }

  /** A recovery job's own checkpoint, and its plan file when the job named one by full path (a resume reads it again). */
  private async fromCheckpoint(jobId: string): Promise<{ checkpoint: RecoveryCheckpoint; record: { source: RecoveryPlanSource } | null } | null> {
    const checkpoint = await RecoveryCheckpointFile.read(this.deps.home, jobId);
    if (!checkpoint) return null;
    return { checkpoint, record: isAbsolute(checkpoint.source) ? { source: { path: checkpoint.source } } : null };
  }

  /**
   * Starts the service in the background and answers once it named the job
   * (before anything changes on the target); an error before that (a bad
   * file, a blocked plan) is the answer to the call, not a failed job.
   */
  private launch(source: RecoveryPlanSource, resumeJobId?: string): Promise<{ jobId: string }> {
    const controller = new AbortController();
    let job: ReturnType<JobRegistry['start']> | null = null;
    let jobId: string | null = null;
    let lastSave = 0;
    let lastStates = '';
    const save = (progress: RecoveryProgress | null, force: boolean): void => {
      if (!jobId || (!force && Date.now() - lastSave < SAVE_INTERVAL_MS)) return;
      lastSave = Date.now();
      const id = jobId;
      // One write at a time per job, in order; a failed write costs only the reloaded page's view.
      const write = (this.writes.get(id) ?? Promise.resolve()).then(() => this.records.save(id, { source, progress }).catch(() => undefined));
      this.writes.set(id, write);
    };
    return new Promise((resolve, reject) => {
      const onStart: RecoveryRunOptions['onStart'] = ({ jobId: id, plan }) => {
        jobId = id;
        this.active.add(id);
        this.sources.set(id, source);
        job = this.deps.jobs.start({
          id,
          kind: 'recovery',
          title: `Recovery ${plan.name}: ${plan.groups.reduce((n, g) => n + g.vms.length, 0)} VMs in ${plan.groups.length} groups (${plan.connection})`,
          step: 'Starting',
          bytesTotal: plan.groups.reduce((n, g) => n + g.vms.reduce((m, v) => m + v.bytesToWrite, 0), 0),
          findings: plan.findings.filter((f) => f.severity !== 'info').map((f) => ({ rule: f.rule, severity: f.severity, message: f.message })),
          connection: plan.connection,
        });
        // jobs.cancel aborts the registry's signal; the service observes ours.
        job.signal.addEventListener('abort', () => controller.abort(job?.signal.reason), { once: true });
        save(this.last.get(id) ?? null, true);
        resolve({ jobId: id });
      };
      const startedMs = Date.now();
      const onProgress = (p: RecoveryProgress): void => {
        this.last.set(p.jobId, p);
        this.deps.events.emit('recovery.onProgress', p);
        job?.update({ step: stepOf(p), bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, ...rateOf(startedMs, p.bytesDone, p.bytesTotal) });
        // Every change of a VM's or group's state is saved at once; bytes alone at most every few seconds.
        const states = [...p.groups.map((g) => g.state), ...p.vms.map((v) => v.state), p.state].join(',');
        save(p, states !== lastStates);
        lastStates = states;
      };
      this.deps.service
        .start(source, { resumeJobId, signal: controller.signal, onStart, onProgress })
        .then((result) => {
          const progress = RecoveryProgress.parse(result);
          // A service that ended without naming its job first: the caller still learns the id.
          if (!jobId) resolve({ jobId: progress.jobId });
          this.last.set(progress.jobId, progress);
          this.deps.events.emit('recovery.onProgress', progress);
          job?.update({
            phase: result.state === 'running' ? 'failed' : result.state,
            step: null,
            etaSeconds: null,
            bytesDone: result.bytesDone,
            finishedAt: result.finishedAt ?? new Date().toISOString(),
            error: result.state === 'failed' ? result.vms.filter((v) => v.error).map((v) => `${v.vm}: ${v.error?.message}`).join('; ') || 'the recovery failed' : null,
            reportPath: result.report.html,
            outcome: outcomeOf(result),
          });
          save(progress, true);
        })
        .catch((err: unknown) => {
          if (!job || !jobId) return reject(err);
          const cancelled = controller.signal.aborted;
          const previous = this.last.get(jobId);
          const finishedAt = new Date().toISOString();
          if (previous) {
            const ended: RecoveryProgress = { ...previous, state: cancelled ? 'cancelled' : 'failed', finishedAt };
            this.last.set(jobId, ended);
            this.deps.events.emit('recovery.onProgress', ended);
            save(ended, true);
          }
          job.update({ phase: cancelled ? 'cancelled' : 'failed', step: null, etaSeconds: null, finishedAt, error: (err as Error)?.message ?? String(err) });
        })
        .finally(() => {
          if (jobId) this.active.delete(jobId);
        });
    });
  }
}
