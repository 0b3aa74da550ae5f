import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BackupRequest } from '../api/schemas/backup-request';
import type { BackupPlanView } from '../api/schemas/backup-schema';
import { runBackupJob } from '../backup/backup-job';
import { prepareBackup, type PreparedBackup } from '../backup/prepare-backup';
import type { BackupProgress } from '../backup/backup-progress';
import { BackupFailedError, type BackupResult } from '../backup/backup-result';
import { isIndependent, type BackupSource } from '../backup/backup-source-port';
import { VsphereBackupSource } from '../backup/vsphere-backup-source';
import { writeFileAtomic } from '../config/json-file';
import { homePaths } from '../config/paths';
import type { ConnectionStore } from '../connections/connection-store';
import { openConnection, requireConnectionPassword } from '../connections/open-connection';
import { BadInputError, LifeboatError } from '../errors/lifeboat-error';
import { markJobRunning } from '../jobs/job-liveness';
import type { SecretStore } from '../keychain/secret-store';
import type { Repository } from '../repository/repository';
import { PROGRESS_HEARTBEAT_MS, ProgressHeartbeat } from '../restore-points/progress-heartbeat';
import type { VddkSetup } from '../vddk/vddk-setup';

/** A source opened for one request, and how to let it go. */
export interface OpenedBackupSource {
  source: BackupSource;
  close(): Promise<void>;
}

export interface BackupServiceDeps {
  home: string;
  connections: ConnectionStore;
  secrets: SecretStore;
  /** Opens (and unlocks) the repository of a request; its errors carry their own hints. */
  openRepository: (path: string) => Promise<Repository>;
  /** The VDDK to read with; resolved only when a backup starts. */
  vddk: () => Promise<VddkSetup>;
  /** Where a request's VM is read from; by default the vSphere + VDDK source over the saved connection. */
  openSource?: (request: BackupRequest, vddk: VddkSetup | null) => Promise<OpenedBackupSource>;
}

export interface BackupRunOptions {
  /** The id of a new job (default: a fresh one). */
  jobId?: string;
  signal?: AbortSignal;
  /** Called once the job id and plan are known, before anything changes on the source. */
  onStart?: (info: { jobId: string; plan: BackupPlanView }) => void;
  onProgress?: (progress: BackupProgress) => void;
}

export interface BackupRunResult {
  jobId: string;
  plan: BackupPlanView;
  result: BackupResult;
  /** The job's report (the result as JSON) under <Lifeboat home>/jobs/backups. */
  reportFile: string;
}

export function newBackupJobId(): string {
  return `backup-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
}

/** Where a backup job's report goes: beside the restore jobs, in a folder of its own. */
export function backupReportPath(home: string, jobId: string): string {
  return join(homePaths.jobs(home), 'backups', `${jobId}.json`);
}

/** The plan as every front door shows it: per disk full or incremental and why, what it reads at most, the snapshot. */
export function backupPlanView(source: BackupSource, prepared: PreparedBackup, quiesce: boolean): BackupPlanView {
  const { vm, decision } = prepared;
  const disks = vm.disks.map((d) => {
    const mode = decision.modes.get(d.key);
    const skip = isIndependent(d);
    return {
      key: d.key,
      label: d.label,
      capacityBytes: d.capacityBytes,
      read: skip ? ('skip' as const) : (mode?.kind ?? 'allocated'),
      why: skip
        ? `BACKUP-SKIP-INDEPENDENT: ${d.diskMode} disks cannot be snapshotted; recorded so a restore can offer an empty disk`
        : (decision.reasons.get(d.key) ?? ''),
      bytesToReadAtMost: skip ? 0 : d.capacityBytes,
    };
  });
  return {
    vm: vm.name,
    server: source.server,
    kind: decision.incremental ? 'incremental' : 'full',
    parentPointId: decision.incremental ? (decision.previous?.id ?? null) : null,
    disks,
    bytesToReadAtMost: disks.reduce((n, d) => n + d.bytesToReadAtMost, 0),
    snapshot: {
      quiesce,
      memory: false,
      description: `A snapshot without memory${quiesce ? ', quiesced,' : ''} is taken after PrepareForAccess (STEP-PREPARE-ACCESS), read through VDDK and removed before EndAccess, after a failure or cancel too.`,
    },
    findings: decision.plan.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      ...(f.disk !== undefined ? { disk: f.disk } : {}),
      message: f.message,
      remedy: f.remedy,
    })),
    steps: decision.plan.steps.map((s) => ({
      rule: s.rule,
      order: s.order,
      description: s.description,
      ...(s.disk !== undefined ? { disk: s.disk } : {}),
    })),
    rulesApplied: decision.plan.rulesApplied,
  };
}

/**
 * The one owner of a backup, behind every front door (the CLI's `lifeboat
 * backup`, the API's backup.plan/backup.start): it reads the VM and the
 * repository, plans (full or incremental per disk, BACKUP-* rules), runs the
 * job through the BackupSource port and writes the report. Front doors parse
 * input and render.
 */
export class BackupService {
  constructor(private readonly deps: BackupServiceDeps) {}

  /** Validates a request from any front door; unknown or malformed fields are named. */
  parseRequest(input: unknown): BackupRequest {
    const r = BackupRequest.safeParse(input);
    if (r.success) return r.data;
    const issues = r.error.issues.map((i) => `${i.path.map(String).join('.') || '(request)'}: ${i.message}`).join('; ');
    throw new BadInputError(
      `the backup request is not valid: ${issues}`,
      'invalid-request',
      'See `lifeboat backup --help` for the options.',
    );
  }

  /** What the backup of a request would read; changes nothing on the source. */
  async plan(request: BackupRequest): Promise<BackupPlanView> {
    const repo = await this.deps.openRepository(request.repo);
    const opened = await this.openSource(request, null);
    try {
      const prepared = await prepareBackup(opened.source, {
        repo,
        vm: { name: request.vm },
        full: request.full,
        quiesce: request.quiesce,
      });
      return backupPlanView(opened.source, prepared, request.quiesce);
    } finally {
      await opened.close().catch(() => undefined);
    }
  }

  /** Plans, refuses what is blocked, then runs the backup to its end (snapshot removal and EndAccess always run). */
  async start(request: BackupRequest, options: BackupRunOptions = {}): Promise<BackupRunResult> {
    // VDDK is resolved before anything else, so "VDDK not found" is an answer to start, not a failed job.
    const vddk = await this.deps.vddk();
    const repo = await this.deps.openRepository(request.repo);
    const opened = await this.openSource(request, vddk);
    // Said again every 200 ms while nothing moves (snapshot taken, a slow read, a pack written): ≥ 5 Hz to a UI.
    const progress = options.onProgress ? new ProgressHeartbeat(options.onProgress, PROGRESS_HEARTBEAT_MS) : null;
    try {
      const input = {
        repo,
        vm: { name: request.vm },
        full: request.full,
        quiesce: request.quiesce,
        signal: options.signal,
        onProgress: progress?.report,
      };
      const prepared = await prepareBackup(opened.source, input);
      const jobId = options.jobId ?? newBackupJobId();
      const plan = backupPlanView(opened.source, prepared, request.quiesce);
      options.onStart?.({ jobId, plan });
      const reportFile = backupReportPath(this.deps.home, jobId);
      const startedAt = new Date().toISOString();
      // The job list shows the job from here on: this record (no result yet) and the running mark,
      // which tells a running job from one that was killed.
      await this.writeReport(reportFile, { jobId, startedAt, request, plan }, false);
      const unmark = await markJobRunning(this.deps.home, jobId);
      try {
        const result = await runBackupJob(opened.source, input, prepared);
        await this.writeReport(reportFile, { jobId, startedAt, request, plan, result });
        return { jobId, plan, result, reportFile };
      } catch (err) {
        await this.writeReport(reportFile, { jobId, startedAt, request, plan, error: failureReport(err) });
        throw err;
      } finally {
        await unmark();
      }
    } finally {
      progress?.stop();
      await opened.close().catch(() => undefined);
    }
  }

  private async writeReport(file: string, report: Record<string, unknown>, finished = true): Promise<void> {
    // A report that cannot be written does not turn a saved restore point into a failure.
    const when = finished ? { finishedAt: new Date().toISOString() } : {};
    await writeFileAtomic(file, JSON.stringify({ kind: 'backup', ...when, ...report }, null, 2) + '\n').catch(() => undefined);
  }

  private async openSource(request: BackupRequest, vddk: VddkSetup | null): Promise<OpenedBackupSource> {
    if (this.deps.openSource) return this.deps.openSource(request, vddk);
    const profile = await this.deps.connections.get(request.connection);
    if (!profile) {
      throw new BadInputError(
        `there is no saved connection named "${request.connection}"`,
        'connection-not-found',
        'List them with `lifeboat connect list`, or add one with `lifeboat connect add`.',
      );
    }
    const { secrets } = this.deps;
    const session = await openConnection(profile, secrets);
    const source = new VsphereBackupSource(session, {
      ...(vddk ? { vddk } : {}),
      credentials: { userName: profile.user, password: () => requireConnectionPassword(profile, secrets) },
      thumbprintSha1: profile.thumbprintSha1,
      transports: [request.transport],
    });
    return { source, close: () => session.close() };
  }
}

/** A failed backup as its report keeps it: what went wrong, what clean-up did, the rule that blocked it. */
function failureReport(err: unknown): Record<string, unknown> {
  if (err instanceof BackupFailedError)
    return {
      message: err.message,
      code: err.code,
      kind: err.kind,
      rule: err.rule ?? null,
      notes: err.notes,
      findings: err.findings,
      vddkCalls: err.vddkCalls,
    };
  if (err instanceof LifeboatError) return { message: err.message, code: err.code, kind: err.kind, rule: err.rule ?? null };
  return { message: err instanceof Error ? err.message : String(err) };
}
