import type { DiskPlan } from '../../planner/plan-types';
import type { PointDisk } from '../../repository/restore-point-manifest';
import type { PieceDigests } from '../disk-copier';
import type { RestoreCheckpointFile } from '../restore-checkpoint';
import type { RestoreTarget, RestoreVm } from '../restore-target';
import type { DiskOutcome, RestoreJobDeps, RestoreJobInput, RestoreProgress } from './job-types';

/** A plan disk the job writes (the planner gave it a transport). */
export type WritableDisk = DiskPlan & { transport: NonNullable<DiskPlan['transport']> };

/** The one object every phase of a restore job shares: what it was told and what it has done so far. */
export interface RestoreJobContext {
  readonly input: RestoreJobInput;
  readonly target: RestoreTarget;
  readonly checkpoint: RestoreCheckpointFile;
  readonly signal: AbortSignal | undefined;
  /** The VM written to: made by create-vm, recorded by an earlier run, or the existing VM of a disks restore. */
  vm: RestoreVm | null;
  readonly writable: WritableDisk[];
  readonly outcomes: Map<number, DiskOutcome>;
  /** CRC-32 of each piece as written, so the read-back compares the target with it instead of decoding the point again. */
  readonly written: Map<number, PieceDigests>;
  readonly progress: RestoreProgress;
  /** Disks written (and read back) at once. */
  readonly streams: number;
  /** XPORT-SAN-RESTORE-SNAPSHOT: named by the job, so a resumed job finds the snapshot its first run took. */
  readonly restoreSnapshotName: string;
  readonly usesSan: boolean;
  readonly usedHotAdd: boolean;
  /** The disks were made by this restore (a new VM or added disks), so they read as zeros. */
  readonly freshDisks: boolean;
  /** Sends a copy of the progress to the listener. */
  report(): void;
  pointDisk(key: number): PointDisk;
  /** DATA-DISK-MAP: the target device key a restore-point disk is written to. */
  targetKey(pointKey: number): number;
  requireVm(): RestoreVm;
}

/** The disks written at once: the plan's streams per host, or less when a recovery gives the VM a smaller share of its host's cap. The one place the job reads its stream limit. */
export function diskStreamLimit(input: RestoreJobInput, maxStreams?: number): number {
  return Math.min(input.plan.streamsPerHost, maxStreams ?? Infinity);
}

export function createJobContext(input: RestoreJobInput, deps: RestoreJobDeps): RestoreJobContext {
  const { checkpoint } = deps;
  const writable = input.plan.disks.filter((d): d is WritableDisk => d.transport !== null);
  const pointDisk = (key: number): PointDisk => {
    const d = input.manifest.disks.find((x) => x.key === key);
    if (!d) throw new Error(`the restore point has no disk ${key}`);
    return d;
  };
  const progress: RestoreProgress = { phase: 'create-vm', bytesDone: 0, bytesTotal: 0, disks: {} };
  const outcomes = new Map<number, DiskOutcome>();
  for (const d of writable) {
    const bytes = pointDisk(d.key).allocatedBytes;
    progress.disks[d.key] = { bytesDone: 0, bytesTotal: bytes, state: 'waiting' };
    progress.bytesTotal += bytes;
    // A disk an earlier run of this job verified keeps that result in the report.
    const verified = checkpoint.verifiedResult(d.key);
    outcomes.set(d.key, {
      key: d.key,
      label: d.label,
      transport: d.transport,
      transportUsed: null,
      copy: null,
      verify: verified ? { ok: true, firstMismatch: null, ...verified } : null,
      signature: null,
    });
  }
  // DATA-DISK-MAP: the disk the plan named (same slot, or the user's --disk-map), or the disk added for it.
  const plannedTarget = new Map(
    input.plan.disks.flatMap((d) => (typeof d.targetDisk === 'number' ? [[d.key, d.targetDisk] as const] : [])),
  );
  const ctx: RestoreJobContext = {
    input,
    target: deps.target,
    checkpoint,
    signal: deps.signal,
    vm: checkpoint.data.vm ?? input.existingVm ?? null,
    writable,
    outcomes,
    written: new Map(),
    progress,
    streams: diskStreamLimit(input, deps.maxStreams),
    restoreSnapshotName: `Lifeboat restore ${input.jobId}`,
    usesSan:
      writable.some((d) => d.transport === 'san') ||
      input.plan.steps.some((s) => (s.rule as string) === 'XPORT-SAN-RESTORE-SNAPSHOT'),
    usedHotAdd: writable.some((d) => d.transport === 'hotadd'),
    freshDisks: input.kind === 'full-vm' || Boolean(input.addAsNewDisks),
    report() {
      progress.bytesDone = Object.values(progress.disks).reduce((n, d) => n + d.bytesDone, 0);
      if (progress.verify) progress.verify.bytesDone = Object.values(progress.disks).reduce((n, d) => n + (d.verifyDone ?? 0), 0);
      deps.onProgress?.({
        ...progress,
        disks: { ...progress.disks },
        ...(progress.verify ? { verify: { ...progress.verify } } : {}),
      });
    },
    pointDisk,
    targetKey: (pointKey) => checkpoint.data.diskTargets[String(pointKey)] ?? plannedTarget.get(pointKey) ?? pointKey,
    requireVm() {
      if (!ctx.vm) throw new Error('no target VM: the create step did not run');
      return ctx.vm;
    },
  };
  return ctx;
}
