import { LifeboatError } from '../errors/lifeboat-error';
import type { Finding, PlanStep } from '../planner/plan-types';
import type { RuleId } from '../planner/rule-catalogue';

/** Per reader (VDDK) function: calls, errors, total milliseconds (the shape of VDDK's call stats). */
export type VddkCallSummary = Record<string, { calls: number; errors: number; totalMs: number }>;

export interface BackupDiskResult {
  key: number;
  label: string;
  /** allocated: read in full (BACKUP-ALLOCATED-FIRST); changed: changed ∩ allocated since the parent. */
  read: 'allocated' | 'changed';
  capacity: number;
  bytesToRead: number;
  bytesRead: number;
  /** Read bytes that were zeros (recorded, not stored). */
  bytesZero: number;
  /** Read bytes handed to the repository (before dedup and compression). */
  bytesStored: number;
  /** CBT change id at the snapshot, saved for the next incremental. */
  changeId: string | null;
  transportMode: string;
  /** DATA-ALLOCATION-UNKNOWN: why VDDK could not report allocated blocks (the disk was read whole). */
  allocationUnknown?: string;
}

/** What `lifeboat backup --json` prints and the app shows when a backup ends. */
export interface BackupResult {
  ok: true;
  pointId: string;
  kind: 'full' | 'incremental';
  parentPointId: string | null;
  vm: { name: string; moref: string; server: string };
  snapshotName: string;
  disks: BackupDiskResult[];
  /** BACKUP-SKIP-INDEPENDENT */
  skippedDisks: Array<{ key: number; label: string; diskMode: string }>;
  nvramSaved: boolean;
  bytesRead: number;
  /** Bytes the point added to the repository (new packs, index, manifest): about 0 data when nothing changed. */
  bytesAdded: number;
  chunksWritten: number;
  chunksDeduplicated: number;
  durationMs: number;
  findings: Finding[];
  steps: PlanStep[];
  rulesApplied: RuleId[];
  /** What was skipped or went wrong on the way without failing the backup. */
  notes: string[];
  /** Every VDDK call of the backup by function: calls, errors, total milliseconds (nbdkit-style stats). */
  vddkCalls: VddkCallSummary;
}

/** A blocked backup is exit 3 with the blocking rule; the notes say what was cleaned up and what to do. */
function backupErrorDetails(notes: string[], findings: Finding[], cause: unknown) {
  const block = findings.find((f) => f.severity === 'block');
  return {
    code: block ? 'backup-blocked' : 'backup-failed',
    kind: block ? ('blocked' as const) : ('failed' as const),
    rule: block?.rule,
    cause,
    hint: notes.length ? `Notes: ${notes.join(' ')}` : 'The snapshot was removed; fix the cause and run the backup again.',
  };
}

/** A backup that saved no restore point; `notes` says what clean-up did (snapshot, EndAccess). */
export class BackupFailedError extends LifeboatError {
  /** The VDDK calls made before the failure (what a support engineer looks at first). */
  vddkCalls: VddkCallSummary = {};
  constructor(
    message: string,
    readonly notes: string[],
    readonly findings: Finding[] = [],
    cause?: unknown,
  ) {
    super(message, backupErrorDetails(notes, findings, cause));
    this.name = 'BackupFailedError';
  }

  /** A rule blocked the backup before anything was touched. */
  get blocked(): boolean {
    return this.findings.some((f) => f.severity === 'block');
  }
}
