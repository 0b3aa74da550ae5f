import type { RecoveryPlanSource, RecoveryPlanView, RecoveryProgress, RecoveryRunResult } from '../api/schemas/recovery-schema';
import type { ConnectionStore } from '../connections/connection-store';
import type { SecretStore } from '../keychain/secret-store';
import type { Repository } from '../repository/repository';
import type { RestoreService } from './restore-service';

export interface RecoveryServiceDeps {
  home: string;
  /** Every VM of a recovery is planned and run by the one restore service (same request, same plan). */
  restore: RestoreService;
  connections: ConnectionStore;
  secrets: SecretStore;
  openRepository: (path: string) => Promise<Repository>;
}

export interface RecoveryRunOptions {
  /** Continue this recovery job: finished VMs are skipped, started ones resume from their checkpoints. */
  resumeJobId?: string;
  signal?: AbortSignal;
  /** Called once the job id is known, before anything changes on the target. */
  onStart?: (info: { jobId: string; plan: RecoveryPlanView }) => void;
  onProgress?: (progress: RecoveryProgress) => void;
}

/**
 * The one owner of a recovery plan (a site's runbook), behind every front door:
 * plan(source) plans every VM with the restore service and adds the checks no
 * single-VM plan can make; start(source) runs the VMs group by group within the
 * per-host stream caps, with checkpoint and resume. Front doors parse and render.
 */
export class RecoveryService {
  constructor(private readonly deps: RecoveryServiceDeps) {}

  /** Parses and validates the file, plans every VM and the whole; changes nothing on the target. */
  async plan(source: RecoveryPlanSource): Promise<RecoveryPlanView> {
    void source;
    void this.deps;
    throw new Error('recovery planning is being built (issue 14)');
  }

  /** Plans, refuses a blocked plan, then runs it (or resumes `options.resumeJobId`) to its end. */
  async start(source: RecoveryPlanSource, options: RecoveryRunOptions = {}): Promise<RecoveryRunResult> {
    void source;
    void options;
    throw new Error('recovery runs are being built (issue 14)');
  }
}
