import { formatBytes } from '../units/byte-units';
import type { DiskImage } from '../disks/disk-image';
import type { DiskPlan, Plan } from '../planner/plan-types';
import type { RestorePointManifest } from '../repository/restore-point-manifest';
import { copyDisk, verifyCopy, type CopyResult, type PieceDigests, type VerifyResult } from './disk-copier';
import { describeIdentity, diskIdentity, sameIdentity } from './disk-signature';
import type { RestoreCheckpointFile } from './restore-checkpoint';
import { initialPhases, RESTORE_PHASES, type PhaseRecord, type RestorePhase } from './restore-phases';
import { LifeboatError } from '../errors/lifeboat-error';
import { killPoint } from './fault-points';
import { RestoreRuleError } from './restore-rule-error';
import type { RestoreTarget, RestoreVm, VmPlacement } from './restore-target';

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
  disks: Record<number, { bytesDone: number; bytesTotal: number; state: 'waiting' | 'writing' | 'written' | 'verifying' | 'verified'; verifyDone?: number }>;
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

const SECTOR = 512;

/** The detail of a phase its plan has no step for. */
export const NOT_IN_PLAN = 'not in the plan';

/** The job phases a plan's steps name (read-back verification goes with the disk writes when the plan verifies). */
export function plannedPhases(plan: Plan): Set<RestorePhase> {
  const names = new Set<string>(plan.steps.map((s) => s.phase));
  if (plan.verify && names.has('write-disks')) names.add('verify-disks');
  return new Set(RESTORE_PHASES.map((p) => p.phase).filter((p) => names.has(p)));
}

/** An error as the report shows it: what went wrong and, where the error knows it, what to do. */
function messageOf(err: unknown): string {
  if (err instanceof LifeboatError && err.hint && !err.message.includes(err.hint)) return `${err.message} ${err.hint}`;
  return err instanceof Error ? err.message : String(err);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled by the user');
}

/** Runs `fn` over `items` with at most `limit` at once (streams per host). */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== null) throw failure;
}

/**
 * Executes a restore plan as a job: every step of the plan in order, each
 * tied to its rule, with the closing steps (change tracking back on,
 * EndAccess, VDDK Cleanup) run even after a failure or cancel. Progress is
 * checkpointed so a resumed job continues where the last one stopped.
 */
export async function runRestoreJob(input: RestoreJobInput, deps: RestoreJobDeps): Promise<RestoreOutcome> {
  const { target, checkpoint, signal } = deps;
  const startedAt = new Date().toISOString();
  // A resumed job keeps what was done, but the closing steps always run again.
  // A checkpoint from an older version may lack phases added since: they start pending.
  const saved = new Map((checkpoint.data.phases as PhaseRecord[]).map((p) => [p.phase, p]));
  const phases: PhaseRecord[] = initialPhases().map((p) => ({ ...p, ...saved.get(p.phase) }));
  for (const p of phases) {
    if (['san-snapshot-remove', 'cbt-on', 'end-access', 'cleanup'].includes(p.phase) || p.status === 'running' || p.status === 'failed') p.status = 'pending';
  }
  const errors: string[] = [];
  const outcomes = new Map<number, DiskOutcome>();
  // CRC-32 of each piece as written, so the read-back compares the target with it instead of decoding the point again.
  const written = new Map<number, PieceDigests>();
  let vm: RestoreVm | null = checkpoint.data.vm ?? input.existingVm ?? null;
  const writable = input.plan.disks.filter((d): d is DiskPlan & { transport: NonNullable<DiskPlan['transport']> } => d.transport !== null);
  const usedHotAdd = writable.some((d) => d.transport === 'hotadd');
  // XPORT-SAN-RESTORE-SNAPSHOT: named by the job, so a resumed job finds the snapshot its first run took.
  const usesSan = writable.some((d) => d.transport === 'san') || input.plan.steps.some((s) => (s.rule as string) === 'XPORT-SAN-RESTORE-SNAPSHOT');
  const restoreSnapshotName = `Lifeboat restore ${input.jobId}`;
  const pointDisk = (key: number) => {
    const d = input.manifest.disks.find((x) => x.key === key);
    if (!d) throw new Error(`the restore point has no disk ${key}`);
    return d;
  };
  const progress: RestoreProgress = { phase: 'create-vm', bytesDone: 0, bytesTotal: 0, disks: {} };
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
  const report = () => {
    progress.bytesDone = Object.values(progress.disks).reduce((n, d) => n + d.bytesDone, 0);
    if (progress.verify) progress.verify.bytesDone = Object.values(progress.disks).reduce((n, d) => n + (d.verifyDone ?? 0), 0);
    deps.onProgress?.({ ...progress, disks: { ...progress.disks }, ...(progress.verify ? { verify: { ...progress.verify } } : {}) });
  };

  // The plan is the contract: a phase runs only when a step of the plan names it.
  const planned = plannedPhases(input.plan);
  async function phase(name: RestorePhase, fn: () => Promise<string | { skipped: string }>): Promise<void> {
    const record = phases.find((p) => p.phase === name);
    if (!record) throw new Error(`unknown phase ${name}`);
    if (record.status === 'done' || record.status === 'skipped') return;
    if (!planned.has(name)) {
      record.status = 'skipped';
      record.detail = NOT_IN_PLAN;
      return;
    }
    record.status = 'running';
    record.startedAt = new Date().toISOString();
    progress.phase = name;
    report();
    await checkpoint.update({ phases });
    try {
      const result = await fn();
      record.status = typeof result === 'string' ? 'done' : 'skipped';
      record.detail = typeof result === 'string' ? result : result.skipped;
    } catch (err) {
      record.status = 'failed';
      record.detail = messageOf(err);
      throw err;
    } finally {
      record.finishedAt = new Date().toISOString();
      await checkpoint.update({ phases });
    }
    killPoint(`after:${name}`);
  }

  // Where each restore-point disk is written: the same device key, or the disk added for it.
  // DATA-DISK-MAP: the disk the plan named (same slot, or the user's --disk-map), or the disk added for it.
  const plannedTarget = new Map(input.plan.disks.flatMap((d) => (typeof d.targetDisk === 'number' ? [[d.key, d.targetDisk] as const] : [])));
  const targetKey = (pointKey: number): number => checkpoint.data.diskTargets[String(pointKey)] ?? plannedTarget.get(pointKey) ?? pointKey;
  const freshDisks = input.kind === 'full-vm' || Boolean(input.addAsNewDisks);

  const requireVm = (): RestoreVm => {
    if (!vm) throw new Error('no target VM: the create step did not run');
    return vm;
  };

  async function writeDisk(d: DiskPlan & { transport: NonNullable<DiskPlan['transport']> }): Promise<void> {
    const state = progress.disks[d.key];
    const outcome = outcomes.get(d.key);
    if (!state || !outcome) return;
    if (checkpoint.diskComplete(d.key)) {
      state.bytesDone = state.bytesTotal;
      state.state = 'written';
      return;
    }
    const source = await input.openPointDisk(d.key);
    const opened = await target.openDisk(requireVm(), targetKey(d.key), { transport: d.transport, unbuffered: d.unbuffered, fresh: freshDisks });
    outcome.transportUsed = opened.transportMode;
    state.state = 'writing';
    try {
      outcome.copy = await copyDisk(source, opened.image, {
        ioBytes: d.ioBytes,
        inFlight: d.inFlight,
        targetReadsZero: opened.readsZero,
        alreadyDone: checkpoint.copiedRanges(d.key),
        digests: written.set(d.key, new Map()).get(d.key),
        signal,
        onRangeCopied: (r) => checkpoint.recordCopied(d.key, r),
        onProgress: (p) => {
          state.bytesDone = Math.min(state.bytesTotal, p.bytesDone);
          report();
        },
      });
      await checkpoint.markDiskComplete(d.key);
      state.state = 'written';
    } finally {
      await opened.close();
      await source.close();
    }
  }

  async function verifyDisk(d: DiskPlan & { transport: NonNullable<DiskPlan['transport']> }): Promise<void> {
    const outcome = outcomes.get(d.key);
    if (!outcome) return;
    const source = await input.openPointDisk(d.key);
    const opened = await target.openDisk(requireVm(), targetKey(d.key), { transport: d.transport, unbuffered: d.unbuffered, fresh: false });
    const state = progress.disks[d.key];
    if (state) state.state = 'verifying';
    try {
      outcome.verify = await verifyCopy(source, opened.image, d.ioBytes, {
        written: written.get(d.key),
        signal,
        onProgress: (p) => {
          if (state) state.verifyDone = p.bytesDone;
          report();
        },
      });
      if (!outcome.verify.ok) {
        throw new Error(`${d.label}: the restored disk differs from the restore point at byte ${outcome.verify.firstMismatch}`);
      }
      if (state) state.state = 'verified';
      await checkpoint.markDiskVerified(d.key, outcome.verify);
    } finally {
      await opened.close();
      await source.close();
    }
  }

  async function checkSignature(key: number): Promise<string> {
    const saved = pointDisk(key);
    const backup = diskIdentity(Buffer.from(saved.sector0, 'base64'), Buffer.from(saved.gptHeader, 'base64'));
    // Read back over NBDSSL, never over the transport that may have changed it.
    const opened = await target.openDisk(requireVm(), targetKey(key), { transport: 'nbdssl', unbuffered: false, fresh: false });
    try {
      const head = await opened.image.read(0, 2 * SECTOR);
      const now = diskIdentity(head.subarray(0, SECTOR), head.subarray(SECTOR));
      if (sameIdentity(now, backup)) return `${saved.label}: ${describeIdentity(now)} as in the backup`;
      await opened.image.write(0, Buffer.from(saved.sector0, 'base64'));
      if (backup.gptDiskGuid) await opened.image.write(SECTOR, Buffer.from(saved.gptHeader, 'base64'));
      await opened.image.flush();
      return `${saved.label}: found ${describeIdentity(now)}, rewrote ${describeIdentity(backup)} from the backup`;
    } finally {
      await opened.close();
    }
  }

  // XPORT-SAN-RESTORE-SNAPSHOT: before change tracking goes back on (reverting restores the snapshot's configuration) and before power on.
  const removeRestoreSnapshot = async (): Promise<string | { skipped: string }> => {
    if (!usesSan || !vm) return { skipped: 'no restore snapshot was needed' };
    const ours = (await target.diskState(vm)).snapshots.find((s) => s.name === restoreSnapshotName);
    if (!ours) return { skipped: 'no restore snapshot was taken' };
    await target.revertAndRemoveSnapshot(vm, ours.ref);
    return `reverted to the restore snapshot and deleted it (${ours.ref})`;
  };

  /**
   * A resumed job writes only into the VM it wrote to before: the same moref
   * may name another VM after a server restart, so the instance UUID, the name
   * and every disk (file and size) it recorded must still match.
   */
  async function checkResumedVm(): Promise<void> {
    const recorded = checkpoint.data.vm;
    if (!recorded) return;
    const saved = checkpoint.data.vmIdentity;
    const now = await target.vmIdentity(recorded);
    const problem = !now
      ? `the VM ${recorded.name} (${recorded.moref}) this job wrote to no longer exists`
      : saved?.instanceUuid && now.instanceUuid && saved.instanceUuid !== now.instanceUuid
        ? `${recorded.moref} is now another VM ("${now.name}", instance ${now.instanceUuid}; this job wrote to "${saved.name}", instance ${saved.instanceUuid})`
        : now.name !== recorded.name
          ? `${recorded.moref} is now named "${now.name}", not "${recorded.name}" as when this job wrote to it`
          : saved?.disks.find((d) => !now.disks.some((x) => x.key === d.key && x.fileName === d.fileName && x.capacityBytes === d.capacityBytes))
            ? `the disks of ${recorded.name} are not the ones this job wrote to (a disk was removed, replaced or resized)`
            : null;
    if (problem) {
      // Nothing touches this VM any more, the closing steps included.
      vm = null;
      throw new LifeboatError(`cannot resume: ${problem}; nothing was written`, {
        code: 'resume-vm-mismatch',
        hint: 'Check the VM in the vSphere Client; to restore again, start a new restore (not --resume).',
      });
    }
  }

  let failure: unknown = null;
  try {
    await checkResumedVm();
    // A disks restore records the VM it writes into, so a resume can check it is still that VM.
    if (!checkpoint.data.vm && input.existingVm) {
      await checkpoint.update({ vm: input.existingVm, vmIdentity: await target.vmIdentity(input.existingVm) });
    }
    await phase('power-check', async () => {
      if (input.kind === 'full-vm' || !vm) return { skipped: 'a new VM is created powered off' };
      const { powerState } = await target.diskState(vm);
      if (powerState !== 'poweredOn') return `${vm.name} is ${powerState}`;
      if (!input.powerOffTarget) {
        throw new RestoreRuleError(
          'DATA-TARGET-POWERED-ON',
          `${vm.name} is powered on: a running VM holds its disks, so nothing was written.`,
          'Shut the guest down and power the VM off, or choose the explicit power-off step.',
        );
      }
      await target.powerOff(vm);
      return `${vm.name} was powered on; powered off as chosen`;
    });

    await phase('create-vm', async () => {
      if (input.kind !== 'full-vm') {
        if (!input.addAsNewDisks) return { skipped: 'disk restore into an existing VM' };
        const disks = writable.map((d) => {
          const p = pointDisk(d.key);
          return { pointKey: d.key, capacity: p.capacity, provisioning: p.provisioning };
        });
        const added = await target.addDisks(requireVm(), disks, input.addAsNewDisks.datastore);
        await checkpoint.update({ diskTargets: Object.fromEntries([...added].map(([k, v]) => [String(k), v])), vmIdentity: await target.vmIdentity(requireVm()) });
        return `added ${added.size} new disk(s) to ${requireVm().name} on ${input.addAsNewDisks.datastore}`;
      }
      if (vm) return `reused ${vm.name} (${vm.moref}) created by the interrupted run`;
      if (!input.placement) throw new Error('a full-VM restore needs a placement (name, datastore)');
      const placement = input.placement;
      // A crash between CreateVM and recording its result leaves a VM carrying this job's marker: adopt it, never make a second.
      const intent = checkpoint.data.creating;
      if (intent) {
        const orphan = await target.findVmByMarker(intent.name, intent.marker);
        if (orphan) {
          vm = orphan;
          await checkpoint.update({ vm, vmIdentity: await target.vmIdentity(orphan) });
          return `adopted ${orphan.name} (${orphan.moref}), created by the interrupted run before it could record it`;
        }
        if (await target.vmNameInUse(placement.name)) {
          throw new RestoreRuleError('DATA-VM-NAME-TAKEN', `a VM named "${placement.name}" exists but was not created by this job`, 'Choose another name and start a new restore.');
        }
      }
      await checkpoint.update({ creating: { name: placement.name, marker: input.jobId } });
      vm = await target.createVm(input.manifest, { ...placement, jobMarker: input.jobId });
      killPoint('create-vm:before-record');
      await checkpoint.update({ vm, vmIdentity: await target.vmIdentity(vm) });
      return `created ${vm.name} (${vm.moref}) on ${placement.datastore}`;
    });
    throwIfAborted(signal);

    await phase('prepare-access', async () => {
      if (!target.supportsPrepareForAccess) return { skipped: 'not available on a standalone ESXi host (needs vCenter)' };
      await target.prepareForAccess(vm, input.identity);
      return `identity "${input.identity}"`;
    });
    throwIfAborted(signal);

    await phase('cbt-off', async () => {
      const current = await target.changeTrackingEnabled(requireVm());
      const wasOn = input.kind === 'full-vm' ? Boolean((input.manifest.configInfo as { changeTrackingEnabled?: unknown }).changeTrackingEnabled) || current : current;
      if (checkpoint.data.cbtWasOn === null) await checkpoint.update({ cbtWasOn: wasOn });
      if (!current) return 'change tracking is off';
      await target.setChangeTracking(requireVm(), false);
      return 'change tracking turned off';
    });

    await phase('san-snapshot', async () => {
      if (!usesSan) return { skipped: 'no disk is written over SAN' };
      const current = requireVm();
      const { snapshots } = await target.diskState(current);
      const others = snapshots.filter((s) => s.name !== restoreSnapshotName);
      if (others.length > 0) {
        throw new RestoreRuleError(
          'XPORT-SAN-EXISTING-SNAPSHOTS',
          `${current.name} already has ${others.length} snapshot(s) (${others.map((s) => s.name).join(', ')}); a SAN restore fails on a VM with snapshots.`,
          'Delete or consolidate the snapshots first, or restore over nbdssl.',
        );
      }
      const ours = snapshots.find((s) => s.name === restoreSnapshotName);
      if (ours) return `reused the restore snapshot "${restoreSnapshotName}" (${ours.ref}) taken by the interrupted run`;
      const ref = await target.createRestoreSnapshot(current, restoreSnapshotName);
      return `took the restore snapshot "${restoreSnapshotName}" (${ref})`;
    });

    await phase('write-disks', async () => {
      await eachLimited(writable, Math.min(input.plan.streamsPerHost, deps.maxStreams ?? Infinity), async (d) => {
        throwIfAborted(signal);
        await writeDisk(d);
      });
      const written = [...outcomes.values()].reduce((n, o) => n + (o.copy?.bytesWritten ?? 0), 0);
      return `${writable.length} disk(s), ${formatBytes(written)} written`;
    });

    await phase('signature-check', async () => {
      const keys = [...new Set(input.plan.steps.filter((s) => s.rule === 'STEP-WINDOWS-SIGNATURE').map((s) => s.disk))];
      const disks = keys.includes(undefined) ? writable.map((d) => d.key) : (keys.filter((k) => k !== undefined) as number[]);
      if (disks.length === 0) return { skipped: 'no disk needs it (not a Windows guest restored over HotAdd)' };
      const lines: string[] = [];
      for (const key of disks) {
        const line = await checkSignature(key);
        const o = outcomes.get(key);
        if (o) o.signature = line;
        lines.push(line);
      }
      return lines.join('; ');
    });
    await phase('verify-disks', async () => {
      if (!input.plan.verify) return { skipped: 'verification not requested' };
      progress.verify = { bytesDone: 0, bytesTotal: writable.reduce((n, d) => n + (progress.disks[d.key]?.bytesTotal ?? 0), 0) };
      await eachLimited(writable, Math.min(input.plan.streamsPerHost, deps.maxStreams ?? Infinity), verifyDisk);
      return `${writable.length} disk(s) read back identical`;
    });

    await phase('nvram', async () => {
      if (input.kind !== 'full-vm') return { skipped: 'disk restore' };
      // CRYPT-KEYS-MISSING: the saved NVRAM is sealed by the original keys; with new keys or none it is unusable.
      if (input.manifest.keyId && input.placement && input.placement.encryption !== 'keep') {
        return { skipped: `the saved NVRAM is sealed by the original keys; with encryption "${input.placement.encryption}" the VM starts with a generic NVRAM (UEFI Secure Boot may need setting up again)` };
      }
      const nvram = await input.nvram();
      if (!nvram) return { skipped: 'the restore point holds no NVRAM (VTPM-NVRAM-MISSING: a generic NVRAM is used)' };
      await target.uploadNvram(requireVm(), nvram);
      return `${nvram.length} bytes uploaded`;
    });

    await phase('san-snapshot-remove', removeRestoreSnapshot);

    await phase('power-on', async () => {
      // STEP-POWER-ON: only here because the plan has the step.
      await target.powerOn(requireVm());
      return `${requireVm().name} powered on`;
    });
  } catch (err) {
    failure = err;
    errors.push(messageOf(err));
  }

  // Closing steps: always attempted, each on its own, so one failing cannot skip the others.
  const closing: Array<[RestorePhase, () => Promise<string | { skipped: string }>]> = [
    // Again here, so it also runs after a failure (a no-op when the main sequence did it).
    ['san-snapshot-remove', removeRestoreSnapshot],
    [
      'cbt-on',
      async () => {
        if (!vm) return { skipped: 'no VM' };
        if (!checkpoint.data.cbtWasOn) return { skipped: 'change tracking was off before the restore' };
        await target.setChangeTracking(vm, true);
        return 'change tracking turned back on';
      },
    ],
    [
      'end-access',
      async () => {
        if (!target.supportsPrepareForAccess) return { skipped: 'not available on a standalone ESXi host' };
        await target.endAccess(vm, input.identity);
        return 'EndAccess called';
      },
    ],
    [
      'cleanup',
      async () => {
        if (!usedHotAdd) return { skipped: 'HotAdd was not used' };
        await target.cleanup();
        return 'VDDK Cleanup done';
      },
    ],
  ];
  for (const [name, fn] of closing) {
    try {
      await phase(name, fn);
    } catch (err) {
      errors.push(`${name}: ${messageOf(err)}`);
    }
  }
  // Phases a failure kept from running stay 'pending', so a resumed job runs them.
  await checkpoint.update({ phases });
  const warnings = checkpoint.saveProblem ? [`${checkpoint.saveProblem}; a resume of this job starts from its last saved state`] : [];
  const cancelled = Boolean(signal?.aborted);
  return {
    ok: failure === null && errors.length === 0,
    cancelled,
    vm,
    phases,
    disks: [...outcomes.values()],
    errors,
    warnings,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}
