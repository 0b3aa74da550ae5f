import type { BackupRequest } from '../api/schemas/backup-request';
import type { BackupPlanInput, BackupPlanView, BackupStartInput } from '../api/schemas/backup-schema';
import type { BackupProgress } from '../backup/backup-progress';
import type { ConnectionStore } from '../connections/connection-store';
import type { SecretStore } from '../keychain/secret-store';
import type { VddkSetup } from '../vddk/vddk-setup';
import { BackupService, newBackupJobId, type OpenedBackupSource } from './backup-service';
import type { JobRegistry } from './job-registry';
import type { RepositoryHandlers } from './repository-handlers';

export interface BackupHandlerDeps {
  home: string;
  repositories: RepositoryHandlers;
  connections: ConnectionStore;
  secrets: SecretStore;
  jobs: JobRegistry;
  vddk: () => Promise<VddkSetup>;
  /** Tests may read from a stand-in source. */
  openSource?: (request: BackupRequest, vddk: VddkSetup | null) => Promise<OpenedBackupSource>;
}

/** backup.plan and backup.start: the backup service behind the API; this adapter maps the repository id and mirrors the job. */
export class BackupHandlers {
  private readonly service: BackupService;

  constructor(private readonly deps: BackupHandlerDeps) {
    this.service = new BackupService({
      home: deps.home,
      connections: deps.connections,
      secrets: deps.secrets,
      openRepository: (path) => deps.repositories.openedAt(path),
      vddk: deps.vddk,
      ...(deps.openSource ? { openSource: deps.openSource } : {}),
    });
  }

  private request(input: BackupPlanInput): BackupRequest {
    const { repositoryId, ...rest } = input;
    return { ...rest, repo: this.deps.repositories.get(repositoryId).path };
  }

  plan(input: BackupPlanInput): Promise<BackupPlanView> {
    return this.service.plan(this.request(input));
  }

  /** Registers the job, runs the backup in the background and answers with its id once the plan is known (a blocked plan is the answer). */
  async start(input: BackupStartInput): Promise<{ jobId: string }> {
    const request = this.request(input);
    // VDDK is resolved before anything else, so "VDDK not found" is an answer to start, not a failed job.
    await this.deps.vddk();
    const jobId = newBackupJobId();
    const controller = new AbortController();
    let job: ReturnType<JobRegistry['start']> | null = null;
    const onProgress = (p: BackupProgress): void =>
      job?.update({ step: p.detail, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal });
    const started = new Promise<void>((resolve, reject) => {
      const run = this.service.start(request, {
        jobId,
        signal: controller.signal,
        onProgress,
        onStart: ({ plan }) => {
          job = this.deps.jobs.start({
            id: jobId,
            kind: 'backup',
            title: `Back up ${plan.vm} (${request.connection}, ${plan.kind})`,
            step: 'Starting',
            bytesTotal: plan.bytesToReadAtMost,
            findings: plan.findings
              .filter((f) => f.severity !== 'info')
              .map((f) => ({ rule: f.rule, severity: f.severity, message: f.message })),
            connection: request.connection,
          });
          job.signal.addEventListener('abort', () => controller.abort(job?.signal.reason), { once: true });
          resolve();
        },
      });
      run.then(
        ({ result, reportFile }) =>
          job?.update({
            phase: 'succeeded',
            step: null,
            etaSeconds: null,
            finishedAt: new Date().toISOString(),
            outcome: `${result.vm.name}: ${result.kind} restore point ${result.pointId} in ${(result.durationMs / 1000).toFixed(1)} s`,
            reportPath: reportFile,
          }),
        (err: unknown) => {
          // Before the job was registered the error is the answer to start; after, the job carries it.
          if (!job) return reject(err);
          job.update({
            phase: controller.signal.aborted ? 'cancelled' : 'failed',
            step: null,
            etaSeconds: null,
            finishedAt: new Date().toISOString(),
            error: (err as Error).message ?? String(err),
          });
        },
      );
    });
    await started;
    return { jobId };
  }
}
