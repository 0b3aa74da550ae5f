import type { DiskImage } from '../../disks/disk-image';
import type { Plan } from '../../planner/plan-types';
import type { RestorePointManifest } from '../../repository/restore-point-manifest';
import type { CopyResult, VerifyResult } from '../disk-copier';
import type { RestoreCheckpointFile } from '../restore-checkpoint';
import type { PhaseRecord, RestorePhase } from '../restore-phases';
import type { RestoreTarget, RestoreVm, VmPlacement } from '../restore-target';

/** Everything one restore job is told: the plan it carries out and where the bytes come from and go. */
export interface RestoreJobInput {
  jobId: string;
  kind: 'full-vm' | 'disks';
  manifest: RestorePointManifest;
  /** A restore point disk, read-only. */
  openPointDisk: (key: number) => Promise<DiskImage>;
  nvram: () => Promise<Buffer | null>;
  plan: Plan;
  /** Full-VM restores: where the new VM goes. */
  placement?: VmPlacement;
  /** Disk restores: the existing VM whose disks are overwritten (same device keys), or that gets new disks. */
  existingVm?: RestoreVm;
  /** Disk restores: add the disks to the VM as new disks on this datastore instead of overwriting. */
  addAsNewDisks?: { datastore: string };
  /** PrepareForAccess identity (at most 50 characters). */
  identity: string;
  /** DATA-TARGET-POWERED-ON: the user chose the explicit power-off step instead of the block. */
  powerOffTarget?: boolean;
}

export interface DiskOutcome {
  key: number;
  label: string;
  transport: string | null;
  transportUsed: string | null;
  copy: CopyResult | null;
  verify: VerifyResult | null;
  signature: string | null;
}

export interface RestoreProgress {
  phase: RestorePhase;
  bytesDone: number;
  bytesTotal: number;
  disks: Record<
    number,
    {
      bytesDone: number;
      bytesTotal: number;
      state: 'waiting' | 'writing' | 'written' | 'verifying' | 'verified';
      verifyDone?: number;
    }
  >;
  /** During the read-back verification: bytes compared so far, of all disks. */
  verify?: { bytesDone: number; bytesTotal: number };
}

export interface RestoreOutcome {
  ok: boolean;
  cancelled: boolean;
  vm: RestoreVm | null;
  phases: PhaseRecord[];
  disks: DiskOutcome[];
  errors: string[];
  /** Things that did not stop the restore but that the user must know (a checkpoint that could not be saved). */
  warnings: string[];
  startedAt: string;
  finishedAt: string;
}

export interface RestoreJobDeps {
  target: RestoreTarget;
  checkpoint: RestoreCheckpointFile;
  signal?: AbortSignal;
  onProgress?: (progress: RestoreProgress) => void;
  /** At most this many disk streams at once (a recovery's share of the host's cap); default: the plan's. */
  maxStreams?: number;
}

/** What a phase returns: the report's detail line, or why it had nothing to do. */
export type PhaseResult = string | { skipped: string };
