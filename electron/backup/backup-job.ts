import type { PointWriter } from '../repository/point-writer';
import type { Repository } from '../repository/repository';
import { lockRepositoryAndClearLeftovers } from './backup-lock';
import { BackupProgressTracker, type BackupProgressListener } from './backup-progress';
import { BackupFailedError, type BackupDiskResult, type BackupResult } from './backup-result';
import type { DiskReadPlan } from './backup-source';
import { prepareBackup, type PreparedBackup } from './prepare-backup';
import {
  type BackupSource,
  type OpenedSourceDisk,
  type SnapshotDiskRef,
  type SourceSnapshot,
  type SourceVmDisk,
  type SourceVmExtras,
} from './backup-source-port';
import { backupDisk, planSourceDisk, throwIfAborted } from './disk-backup';

/** What one backup is told; where it reads from is the BackupSource. */
export interface BackupJobInput {
  repo: Repository;
  /** The VM by name (looked up on the source) or by moref. */
  vm: { name: string } | { moref: string };
  /** Read every allocated area even when an incremental is possible. */
  full?: boolean;
  quiesce?: boolean;
  signal?: AbortSignal;
  onProgress?: BackupProgressListener;
  /** NFC-KEEPALIVE interval for the open disks (0 = off). */
  keepaliveMs?: number;
}

interface OpenDisk {
  disk: SourceVmDisk;
  reader: OpenedSourceDisk;
  plan: DiskReadPlan;
  snapshotDisk: SnapshotDiskRef;
}

/** The state one run of the job shares between its steps. */
interface BackupRun {
  source: BackupSource;
  input: BackupJobInput;
  prepared: PreparedBackup;
  tracker: BackupProgressTracker;
  notes: string[];
  snapshotName: string;
  snapshot?: SourceSnapshot;
  readerStarted: boolean;
  connected: boolean;
  accessPrepared: boolean;
  cleanupDone: boolean;
  open: OpenDisk[];
  results: BackupDiskResult[];
}

/** BACKUP-ALLOCATED-FIRST: opens each snapshot disk and works out its ranges (allocated, or changed ∩ allocated). */
async function openSnapshotDisks(run: BackupRun, readSignal: AbortSignal | undefined): Promise<void> {
  const { source, prepared, snapshot } = run;
  for (const d of prepared.backupDisks) {
    throwIfAborted(readSignal);
    const snapDisk = snapshot!.disks.find((s) => s.key === d.key);
    if (!snapDisk) throw new Error(`The snapshot has no disk with key ${d.key} (${d.label}).`);
    const target = { ...snapDisk, fileName: snapDisk.fileName || d.fileName };
    const reader = await source.openDisk(target, { keepaliveMs: run.input.keepaliveMs });
    let mode = prepared.decision.modes.get(d.key)!;
    let plan: DiskReadPlan;
    try {
      plan = await planSourceDisk(reader, mode, () =>
        source.changedAreas(prepared.vm, snapshot!, snapDisk, mode.kind === 'changed' ? mode.sinceChangeId : '*'),
      );
    } catch (err) {
      if (mode.kind !== 'changed') throw err;
      // The saved change id is no longer valid (CBT reset): read this disk in full instead.
      run.notes.push(`${d.label}: changed areas unavailable (${(err as Error).message}); read in full.`);
      mode = { kind: 'allocated' };
      plan = await planSourceDisk(reader, mode, async () => []);
    }
    run.open.push({ disk: d, reader, plan, snapshotDisk: snapDisk });
    run.tracker.addDisk(d.key, d.label, plan.bytesToRead);
  }
}

/** Reads every planned range into the point, disk after disk. */
async function readDisks(run: BackupRun, point: PointWriter, readSignal: AbortSignal | undefined): Promise<void> {
  run.tracker.setPhase('reading', 'reading disks');
  for (const o of run.open) {
    const writer = point.addDisk(run.prepared.vm.diskMeta(o.disk.key, o.snapshotDisk.changeId));
    const r = await backupDisk({
      source: o.reader,
      writer,
      key: o.disk.key,
      plan: o.plan,
      pieceBytes: run.input.repo.chunkSize,
      signal: readSignal,
      onBytes: (n) => run.tracker.advance(o.disk.key, n),
    });
    run.results.push({
      key: o.disk.key,
      label: o.disk.label,
      read: o.plan.mode.kind,
      capacity: o.disk.capacityBytes,
      bytesToRead: o.plan.bytesToRead,
      bytesRead: r.bytesRead,
      bytesZero: r.bytesZero,
      bytesStored: r.bytesRead - r.bytesZero,
      changeId: o.snapshotDisk.changeId,
      transportMode: o.reader.transportMode,
      ...(o.reader.allocationUnknown ? { allocationUnknown: o.reader.allocationUnknown } : {}),
    });
    if (o.reader.allocationUnknown) {
      run.notes.push(
        `DATA-ALLOCATION-UNKNOWN: ${o.disk.label}: VDDK could not report its allocated blocks (${o.reader.allocationUnknown}); the disk was read whole.`,
      );
    }
  }
}

/** Cleanup (STEP-HOTADD-CLEANUP), snapshot removal, then EndAccess (STEP-PREPARE-ACCESS); each attempted on its own, after a failure or cancel too. */
async function finishSession(run: BackupRun): Promise<void> {
  const { source, notes } = run;
  const attempt = async (what: string, fn: () => Promise<unknown>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (err) {
      notes.push(`${what} failed: ${(err as Error).message}`);
      return false;
    }
  };
  for (const o of run.open.splice(0)) await attempt(`closing ${o.disk.label}`, () => o.reader.close());
  if (run.connected) await attempt('VDDK disconnect', () => source.disconnect());
  if (run.readerStarted && !run.cleanupDone) await attempt('VDDK Cleanup', () => source.cleanup());
  if (run.snapshot) {
    const snapshot = run.snapshot;
    run.tracker.setPhase('cleanup', `removing snapshot "${run.snapshotName}"`);
    if (!(await attempt(`removing snapshot "${run.snapshotName}"`, () => source.removeSnapshot(snapshot)))) {
      notes.push(`Remove the snapshot "${run.snapshotName}" of ${run.prepared.vm.name} by hand.`);
    }
  }
  // STEP-PREPARE-ACCESS: EndAccess only after the snapshot is gone.
  if (run.accessPrepared && run.readerStarted) {
    run.tracker.setPhase('cleanup', 'EndAccess');
    await attempt('EndAccess', () => source.endAccess(run.prepared.vm));
  }
  await attempt('closing the VDDK session', () => source.closeReader());
}

/** The reading session: Cleanup of leftovers, PrepareForAccess, snapshot, reads, close; the caller finishes the session. */
async function readIntoPoint(run: BackupRun, point: PointWriter, extras: SourceVmExtras): Promise<void> {
  const { source, input, notes, prepared } = run;
  const readSignal = await lockRepositoryAndClearLeftovers(
    point,
    () => source.removeStaleSnapshots(prepared.vm, input.signal),
    input.signal,
    notes,
  );
  if (extras.nvram.data) await point.setNvram(extras.nvram.fileName, extras.nvram.data);

  await source.startReader(prepared.vm);
  run.readerStarted = true;
  // STEP-HOTADD-CLEANUP: what an earlier job that stopped uncleanly left, in this fresh session first.
  const leftovers = await source.cleanup();
  if (leftovers > 0) notes.push(`VDDK Cleanup removed ${leftovers} leftover(s) of an earlier job that stopped uncleanly.`);

  // STEP-PREPARE-ACCESS: before the snapshot exists, so nothing can move the VM between the two.
  run.tracker.setPhase('access', 'PrepareForAccess');
  if (!source.supportsPrepareForAccess) {
    notes.push('STEP-PREPARE-ACCESS: skipped, a standalone ESXi host has no PrepareForAccess/EndAccess (vCenter only).');
  } else {
    await source.prepareForAccess(prepared.vm);
    run.accessPrepared = true;
  }
  throwIfAborted(input.signal);

  run.tracker.setPhase('snapshot', `creating snapshot "${run.snapshotName}"`);
  run.snapshot = await source.createSnapshot(prepared.vm, run.snapshotName, {
    quiesce: input.quiesce ?? false,
    signal: input.signal,
  });
  throwIfAborted(input.signal);
  await source.connect(run.snapshot);
  run.connected = true;

  await openSnapshotDisks(run, readSignal);
  await readDisks(run, point, readSignal);

  run.tracker.setPhase('cleanup', 'closing disks');
  for (const o of run.open.splice(0)) await o.reader.close();
  await source.disconnect();
  await source.cleanup();
  run.cleanupDone = true;
}

/**
 * One backup of one VM into a restore point, in the order the rules ask:
 * save config, CBT on, VDDK Cleanup of earlier leftovers, PrepareForAccess,
 * snapshot, VDDK reads, close, Cleanup, remove the snapshot, EndAccess. The
 * snapshot removal and EndAccess run on failure and cancel too; the point is
 * committed only when every disk was read. The job reaches vSphere and VDDK
 * only through the BackupSource port.
 */
export async function runBackupJob(
  source: BackupSource,
  input: BackupJobInput,
  prepared?: PreparedBackup,
): Promise<BackupResult> {
  const started = Date.now();
  const tracker = new BackupProgressTracker(input.onProgress);
  const notes: string[] = [];

  // BACKUP-SAVE-CONFIG
  tracker.setPhase('config', 'saving the VM configuration');
  const ready = prepared ?? (await prepareBackup(source, input));
  const { vm, decision } = ready;
  const extras = await source.readExtras(vm);
  if (extras.policyNote) notes.push(extras.policyNote);
  if (extras.nvram.note) notes.push(extras.nvram.note);
  throwIfAborted(input.signal);

  // BACKUP-CBT-FIRST
  if (!vm.changeTrackingEnabled) {
    tracker.setPhase('change-tracking', 'enabling change tracking');
    await source.enableChangeTracking(vm, input.signal);
    notes.push(`BACKUP-CBT-FIRST: change tracking was off on ${vm.name}; turned on before the snapshot.`);
  }

  const kind = decision.incremental ? 'incremental' : 'full';
  const parentPointId = decision.incremental ? decision.previous!.id : null;
  const meta = vm.pointMeta({ kind, parentPointId, storagePolicy: extras.policy });
  const run: BackupRun = {
    source,
    input,
    prepared: ready,
    tracker,
    notes,
    snapshotName: `Lifeboat backup ${new Date().toISOString()}`,
    readerStarted: false,
    connected: false,
    accessPrepared: false,
    cleanupDone: false,
    open: [],
    results: [],
  };
  let point: PointWriter | undefined;
  let failure: unknown;
  try {
    point = input.repo.beginPoint(meta);
    await readIntoPoint(run, point, extras);
  } catch (err) {
    failure = err;
  } finally {
    await finishSession(run);
  }

  const vddkCalls = source.readerCalls();
  if (failure !== undefined || !point) {
    await point?.abort();
    const message = (failure instanceof Error ? failure.message : String(failure)).replace(/([^.])$/, '$1.');
    const error = new BackupFailedError(
      `The backup of ${vm.name} failed: ${message} No restore point was saved.`,
      notes,
      decision.plan.findings,
      failure,
    );
    error.vddkCalls = vddkCalls;
    throw error;
  }

  tracker.setPhase('commit', 'saving the restore point');
  const committed = await point.commit();
  tracker.setPhase('done', 'done');
  return {
    ok: true,
    pointId: committed.manifest.id,
    kind: meta.kind,
    parentPointId: meta.parentPointId,
    vm: { name: vm.name, moref: vm.moref, server: source.server },
    snapshotName: run.snapshotName,
    disks: run.results,
    skippedDisks: ready.skipped.map((d) => ({ key: d.key, label: d.label, diskMode: d.diskMode })),
    nvramSaved: Boolean(extras.nvram.data),
    bytesRead: run.results.reduce((s, d) => s + d.bytesRead, 0),
    bytesAdded: committed.bytesAdded,
    chunksWritten: committed.chunksWritten,
    chunksDeduplicated: committed.chunksDeduplicated,
    durationMs: Date.now() - started,
    findings: decision.plan.findings,
    steps: decision.plan.steps,
    rulesApplied: decision.plan.rulesApplied,
    notes,
    vddkCalls,
  };
}
