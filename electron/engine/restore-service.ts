import type { EnvironmentFacts } from '../api/schemas/environment-schema';
import { RestoreRequest } from '../api/schemas/restore-request';
import type { ConnectionStore } from '../connections/connection-store';
import { BadInputError, PlanBlockedError } from '../errors/lifeboat-error';
import { markJobRunning } from '../jobs/job-liveness';
import type { SecretStore } from '../keychain/secret-store';
import type { Plan } from '../planner/plan-types';
import type { Repository } from '../repository/repository';
import { RestoreCheckpointFile } from '../restore/restore-checkpoint';
import type { RestoreProgress } from '../restore/restore-job';
import { newJobId, prepareRestore, runLiveRestore, type LiveRestoreResult, type PreparedRestore } from '../restore/restore-runner';
import type { VddkSetup } from '../vddk/vddk-setup';
import { PROGRESS_HEARTBEAT_MS, ProgressHeartbeat } from '../restore-points/progress-heartbeat';
import { RestoreProgressTracker, type RestoreJobProgress } from './restore-progress';

export interface RestoreServiceDeps {
  home: string;
  connections: ConnectionStore;
  secrets: SecretStore;
  environment: () => Promise<EnvironmentFacts>;
  /** Opens (and unlocks) the repository of a request; its errors carry their own hints. */
  openRepository: (path: string) => Promise<Repository>;
  /** The VDDK to run with; resolved only when a restore starts. */
  vddk: () => Promise<VddkSetup>;
}

export interface RestoreRunOptions {
  /** The id of a new job (default: a fresh one). */
  jobId?: string;
  /** Continue this job from its checkpoint (the request is the saved one). */
  resumeJobId?: string;
  signal?: AbortSignal;
  /** Called once the job id is known, before anything changes on the target. */
  onStart?: (info: { jobId: string; plan: Plan }) => void;
  onProgress?: (progress: RestoreJobProgress) => void;
  /** At most this many disk streams at once (a recovery's share of the host's cap); default: the plan's. */
  maxStreams?: number;
}

export interface RestoreRunResult extends LiveRestoreResult {
  jobId: string;
  plan: Plan;
}

/** The findings a default `keep` cannot get past: the keys cannot be used, so the user must say what to do. */
const ENCRYPTION_DECISIONS = new Set(['CRYPT-KEYS-MISSING', 'CRYPT-KMS-MISMATCH']);

/**
 * The one owner of a restore, behind every front door: it gathers the live
 * facts, plans with the pure planner, refuses a plan that cannot run as asked,
 * runs the job and writes the report. Front doors parse input and render.
 */
export class RestoreService {
  constructor(private readonly deps: RestoreServiceDeps) {}

  /** Validates a request from any front door; unknown or malformed fields are named. */
  parseRequest(input: unknown): RestoreRequest {
    const r = RestoreRequest.safeParse(input);
    if (r.success) return r.data;
    const issues = r.error.issues.map((i) => `${i.path.map(String).join('.') || '(request)'}: ${i.message}`).join('; ');
    throw new BadInputError(`the restore request is not valid: ${issues}`, 'invalid-request', 'See `lifeboat restore --help` for the options.');
  }

  /** Gathers facts and plans; changes nothing on the target. The caller closes what it gets. */
  async prepare(request: RestoreRequest, resumeJobId?: string): Promise<PreparedRestore> {
    // A resumed job's VM exists because the job made it: its name is ours, not taken.
    const saved = resumeJobId ? (await RestoreCheckpointFile.load(this.deps.home, resumeJobId).catch(() => null))?.data : undefined;
    const ownVmName = saved?.vm?.name ?? saved?.creating?.name;
    const repo = await this.deps.openRepository(request.repo);
    const connection = await this.deps.connections.get(request.connection);
    if (!connection) {
      throw new BadInputError(`there is no saved connection named "${request.connection}"`, 'connection-not-found', 'List them with `lifeboat connect list`, or add one with `lifeboat connect add`.');
    }
    return prepareRestore(request, { repo, connections: this.deps.connections, secrets: this.deps.secrets, environment: this.deps.environment }, ownVmName);
  }

  /** The plan of a request, as `lifeboat plan` and the wizard show it. */
  async plan(request: RestoreRequest): Promise<Plan> {
    const prepared = await this.prepare(request);
    await prepared.close().catch(() => undefined);
    return prepared.plan;
  }

  /** The plan and where it lands (host, datastore free space): what a recovery plan sums over its VMs. */
  async planWithTarget(request: RestoreRequest): Promise<{ plan: Plan; target: PreparedRestore['target'] }> {
    const prepared = await this.prepare(request);
    await prepared.close().catch(() => undefined);
    return { plan: prepared.plan, target: prepared.target };
  }

  /** Throws when the plan cannot run as asked: a block, or unusable keys without an explicit encryption choice. */
  assertRunnable(plan: Plan, request: RestoreRequest): void {
    const block = plan.findings.find((f) => f.severity === 'block');
    if (!plan.ok) {
      throw new PlanBlockedError(`the plan is blocked${block ? ` by ${block.rule}: ${block.message}` : ''}; nothing was changed`, block?.rule, block?.remedy);
    }
    const decision = plan.findings.find((f) => ENCRYPTION_DECISIONS.has(f.rule));
    if (decision && !request.encryptionChosen) {
      throw new PlanBlockedError(
        `the original keys cannot be used (${decision.rule}: ${decision.message}); choose what to do, nothing was changed`,
        decision.rule,
        `${decision.remedy} Say it explicitly: --encryption keep (restore anyway, the VM will not power on until the keys are available), new-keys or unencrypted.`,
        'encryption-choice-required',
      );
    }
  }

  /** The VDDK a restore would run with; throws (with where it looked) when there is none. */
  vddkSetup(): Promise<VddkSetup> {
    return this.deps.vddk();
  }

  /** The request a job was started with (for `--resume`). */
  async savedRequest(jobId: string): Promise<RestoreRequest> {
    const checkpoint = await RestoreCheckpointFile.load(this.deps.home, jobId).catch((err: Error) => {
      throw new BadInputError(err.message, 'job-not-found', 'List jobs with `lifeboat jobs list`.');
    });
    return this.parseRequest(checkpoint.data.request);
  }

  /** Plans, refuses what cannot run, then runs the job to its end (the closing steps always run). */
  async run(prepared: PreparedRestore, options: RestoreRunOptions = {}): Promise<RestoreRunResult> {
    const { plan, request } = prepared;
    this.assertRunnable(plan, request);
    const vddk = await this.deps.vddk();
    const jobId = options.resumeJobId ?? options.jobId ?? newJobId();
    options.onStart?.({ jobId, plan });
    const tracker = new RestoreProgressTracker(plan);
    // Said again every 200 ms while nothing moves (a VM created, a snapshot taken, a slow write): ≥ 5 Hz to a UI.
    const progress = options.onProgress ? new ProgressHeartbeat((p: RestoreProgress) => options.onProgress?.(tracker.update(p)), PROGRESS_HEARTBEAT_MS) : null;
    const onProgress = progress?.report;
    // The job list tells a running job from one that was killed by this mark.
    const unmark = await markJobRunning(this.deps.home, jobId);
    try {
      const result = await runLiveRestore(prepared, { repo: prepared.repo, connections: this.deps.connections, secrets: this.deps.secrets, environment: this.deps.environment }, {
        home: this.deps.home,
        jobId,
        vddk,
        resume: Boolean(options.resumeJobId),
        signal: options.signal,
        onProgress,
        maxStreams: options.maxStreams,
      });
      return { ...result, jobId, plan };
    } finally {
      progress?.stop();
      await unmark();
    }
  }

  /** prepare + run + close: the whole restore of a request (or of a job's saved request on resume). */
  async start(request: RestoreRequest, options: RestoreRunOptions = {}): Promise<RestoreRunResult> {
    const prepared = await this.prepare(request, options.resumeJobId);
    try {
      return await this.run(prepared, options);
    } finally {
      await prepared.close().catch(() => undefined);
    }
  }
}
