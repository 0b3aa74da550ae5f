import type { RestoreRequest } from '../api/schemas/restore-request';

/** An error as a recovery records it per VM: what, the machine code, what to do, and the rule that decided. */
export interface RecoveryVmError {
  code: string;
  message: string;
  hint?: string;
  rule?: string;
}

/** How one VM's restore ended, as the recovery needs it. */
export interface RecoveryRestoreOutcome {
  jobId: string;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  poweredOn: boolean;
  bytesWritten: number;
  errors: RecoveryVmError[];
}

export interface RecoveryRestoreStart {
  /** A new restore job with this id (recorded in the recovery checkpoint before the call). */
  jobId?: string;
  /** Continue this restore job from its checkpoint (its VM is not created again). */
  resumeJobId?: string;
  signal?: AbortSignal;
  onProgress?: (p: { pass: 'write' | 'verify'; bytesDone: number; bytesTotal: number }) => void;
  /** The VM's share of its host's stream cap. */
  maxStreams?: number;
}

/**
 * What a recovery needs of the restore service: run one VM's whole restore
 * (closing steps included) and tell whether a restore job has a checkpoint.
 * The engine backs it with RestoreService.start (engine/recovery-restore-port.ts).
 */
export interface RecoveryRestorePort {
  start(request: RestoreRequest, options: RecoveryRestoreStart): Promise<RecoveryRestoreOutcome>;
  /** Whether the restore job left a checkpoint to resume (a kill right after the recovery recorded its id leaves none). */
  jobExists(jobId: string): Promise<boolean>;
  newJobId(): string;
}

export interface RecoveryRunDeps {
  home: string;
  restore: RecoveryRestorePort;
  /** Marks the recovery job running (the job list tells a killed job by it); returns the unmark. */
  markRunning?: (home: string, jobId: string) => Promise<() => Promise<void>>;
}
