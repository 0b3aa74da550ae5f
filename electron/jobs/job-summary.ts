/** Where a job stands, as the job list shows it. */
export type JobState = 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'running';

/** One job on disk: what `lifeboat jobs list`, the API and the UI's job list show. */
export interface JobSummary {
  id: string;
  /** What kind of job: one VM's restore, a recovery plan's run (a folder of its own), or one VM's backup (`<jobs>/backups/`). */
  kind: 'restore' | 'recovery' | 'backup';
  /** Whole VM or disks into an existing VM. */
  restoreKind: 'full-vm' | 'disks' | null;
  /** A backup's kind: what it made (its result), else what its plan chose (BACKUP-* rules). */
  backupKind?: 'full' | 'incremental' | null;
  state: JobState;
  /** The VM of the restore point (from the report), else the restored VM's name as far as it is known. */
  vm: string | null;
  /** The VM the job created or wrote into, once known. */
  restoredVm: string | null;
  connection: string | null;
  /** Why the restore was done, as the user gave it (audit trail). */
  reason: string | null;
  pointId: string | null;
  startedAt: string;
  /** When the last run ended (null while running or when it was interrupted). */
  finishedAt: string | null;
  /** The last run's report; an interrupted resume keeps the earlier run's report here. */
  reportFiles: { json: string; html: string | null } | null;
  checkpointFile: string;
  /** Failed, cancelled and interrupted jobs continue with `lifeboat jobs resume ID`. */
  resumable: boolean;
  /** The checkpoint could not be read (the job is listed, not resumable). */
  problem: string | null;
}
