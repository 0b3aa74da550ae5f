import type { Repository } from '../repository/repository';
import type { PointWriter } from '../repository/point-writer';
import type { VddkConnectParams, VddkConnection } from '../vddk/vddk-connection';
import type { VddkDisk } from '../vddk/vddk-disk';
import { VddkSession } from '../vddk/vddk-session';
import { allChangedDiskAreas, snapshotDisks, type SnapshotDisk } from '../vsphere/changed-disk-areas';
import { listVms } from '../vsphere/inventory';
import type { VimSession } from '../vsphere/vim-session';
import type { MoRef } from '../vsphere/vim-types';
import { fetchVmConfigInfo } from '../vsphere/vm-config-info';
import { createSnapshot, removeSnapshot, setChangeTracking } from '../vsphere/vm-operations';
import { decideBackup } from './backup-decision';
import { lockRepositoryAndClearLeftovers } from './backup-lock';
import { diskMetaFromConfig, isIndependent, pointMetaFromConfig } from './backup-manifest';
import { BackupProgressTracker, type BackupProgressListener } from './backup-progress';
import { BackupFailedError, type BackupDiskResult, type BackupResult } from './backup-result';
import type { DiskReadPlan } from './backup-source';
import { backupDisk, planSourceDisk, throwIfAborted } from './disk-backup';
import { vmDatacenterName, vmDatastoreTypes, vmNvram, vmStoragePolicy } from './source-vm-facts';
import { backupSnapshotDescription } from './stale-backup-snapshots';

export interface BackupJobOptions {
  /** A logged-in session to the vCenter or host that owns the VM. */
  session: VimSession;
  repo: Repository;
  /** The VM by name (looked up in the inventory) or by reference. */
  vm: { name: string } | { ref: MoRef };
  /** VDDK: its folder plus extra config (the lab's labvddk.conf, fault keys, log levels). */
  vddk: { dir: string; extraConfigText?: string; extraConfig?: Record<string, string | number | boolean>; tmpRoot?: string };
  /** VDDK logs in on its own; the password goes to the worker over its private pipe only. */
  credentials: { userName: string; password: () => Promise<string> };
  /** SHA-1 thumbprint of the server's certificate, as VDDK's connect parameters carry it. */
  thumbprintSha1: string;
  /** Allowed transports in order (default nbdssl). */
  transports?: string[];
  /** Read every allocated area even when an incremental is possible. */
  full?: boolean;
  quiesce?: boolean;
  signal?: AbortSignal;
  onProgress?: BackupProgressListener;
  /** NFC-KEEPALIVE interval for the open disks (0 = off). */
  keepaliveMs?: number;
}

/** VDDK's PrepareForAccess/EndAccess identity (at most 50 characters). */
const ACCESS_IDENTITY = 'Lifeboat backup';

async function resolveVm(session: VimSession, vm: BackupJobOptions['vm']): Promise<MoRef> {
  if ('ref' in vm) return vm.ref;
  const matches = (await listVms(session)).filter((v) => v.name === vm.name && !v.template);
  if (matches.length === 0) throw new BackupFailedError(`No virtual machine named "${vm.name}" on ${session.server}.`, []);
  if (matches.length > 1)
    throw new BackupFailedError(
      `${matches.length} virtual machines are named "${vm.name}" on ${session.server}; rename one.`,
      [],
    );
  return matches[0]!.ref;
}

interface OpenDisk {
  key: number;
  label: string;
  vddk: VddkDisk;
  plan: DiskReadPlan;
  snapshotDisk: SnapshotDisk;
}

/**
 * One backup of one VM into a restore point, in the order the rules ask:
 * save config, CBT on, snapshot, PrepareForAccess, VDDK reads, close,
 * Cleanup, remove the snapshot, EndAccess. The snapshot removal and
 * EndAccess run on failure and cancel too; the point is committed only when
 * every disk was read.
 */
export async function runBackup(opts: BackupJobOptions): Promise<BackupResult> {
  const started = Date.now();
  const { session, repo, signal } = opts;
  const tracker = new BackupProgressTracker(opts.onProgress);
  const notes: string[] = [];
  const vm = await resolveVm(session, opts.vm);

  // BACKUP-SAVE-CONFIG
  tracker.setPhase('config', 'saving the VM configuration');
  const { raw, config } = await fetchVmConfigInfo(session, vm);
  const backupDisks = config.disks.filter((d) => !isIndependent(d));
  const skipped = config.disks.filter(isIndependent);
  if (backupDisks.length === 0)
    throw new BackupFailedError(
      `${config.name} has no disk that can be backed up (independent disks cannot be snapshotted).`,
      [],
    );

  const { previous, modes, incremental, plan } = await decideBackup({
    session,
    repo,
    vm,
    raw,
    config,
    disks: backupDisks,
    full: opts.full ?? false,
    quiesce: opts.quiesce ?? false,
  });
  const cbtWasOn = config.changeTrackingEnabled;

  const datacenter = await vmDatacenterName(session, vm);
  const datastoreTypes = await vmDatastoreTypes(session, vm);
  const policy = await vmStoragePolicy(
    session,
    vm,
    backupDisks.map((d) => d.key),
  );
  if (policy.note) notes.push(policy.note);
  const nvram = await vmNvram(session, datacenter, config);
  if (nvram.note) notes.push(nvram.note);
  throwIfAborted(signal);

  // BACKUP-CBT-FIRST
  if (!cbtWasOn) {
    tracker.setPhase('change-tracking', 'enabling change tracking');
    await setChangeTracking(session, vm, true, { signal });
    notes.push(`BACKUP-CBT-FIRST: change tracking was off on ${config.name}; turned on before the snapshot.`);
  }

  const meta = pointMetaFromConfig({
    raw,
    config,
    vm,
    server: session.server,
    storagePolicy: policy.policy,
    kind: incremental ? 'incremental' : 'full',
    parentPointId: incremental ? previous!.id : null,
  });

  const snapshotName = `Lifeboat backup ${new Date().toISOString()}`;
  let point: PointWriter | undefined;
  let snapshot: MoRef | undefined;
  let vddk: VddkSession | undefined;
  let connection: VddkConnection | undefined;
  let prepared = false;
  let cleanupDone = false;
  const open: OpenDisk[] = [];
  const diskResults: BackupDiskResult[] = [];
  let failure: unknown;
  let params: VddkConnectParams | undefined;
  let readSignal = signal;
  try {
    point = repo.beginPoint(meta);
    readSignal = await lockRepositoryAndClearLeftovers(point, session, vm, signal, notes);
    if (nvram.data) await point.setNvram(nvram.fileName, nvram.data);

    tracker.setPhase('snapshot', `creating snapshot "${snapshotName}"`);
    snapshot = await createSnapshot(session, vm, snapshotName, {
      description: backupSnapshotDescription(),
      memory: false,
      quiesce: opts.quiesce ?? false,
      signal,
    });
    const snapDisks = await snapshotDisks(session, snapshot);
    throwIfAborted(signal);

    vddk = await VddkSession.start({
      vddkDir: opts.vddk.dir,
      extraConfigText: opts.vddk.extraConfigText,
      extraConfig: opts.vddk.extraConfig,
      tmpRoot: opts.vddk.tmpRoot,
    });
    params = {
      server: session.address.host,
      port: session.address.port,
      thumbprint: opts.thumbprintSha1,
      userName: opts.credentials.userName,
      password: await opts.credentials.password(),
      vmxSpec: `moref=${vm.value}`,
      snapshotRef: snapshot.value,
      transports: opts.transports ?? ['nbdssl'],
      readOnly: true,
    };
    tracker.setPhase('access', 'PrepareForAccess');
    if (session.isHostAgent) {
      notes.push('STEP-PREPARE-ACCESS: skipped, a standalone ESXi host has no PrepareForAccess/EndAccess (vCenter only).');
    } else {
      // STEP-PREPARE-ACCESS
      await vddk.prepareForAccess(params, ACCESS_IDENTITY);
      prepared = true;
    }
    connection = await vddk.connect(params);

    for (const d of backupDisks) {
      throwIfAborted(readSignal);
      const snapDisk = snapDisks.find((s) => s.key === d.key);
      if (!snapDisk) throw new Error(`The snapshot has no disk with key ${d.key} (${d.label}).`);
      const disk = await connection.openDisk(snapDisk.fileName || d.fileName, { readOnly: true, keepaliveMs: opts.keepaliveMs });
      let mode = modes.get(d.key)!;
      let diskPlan: DiskReadPlan;
      try {
        diskPlan = await planSourceDisk(disk, mode, async () =>
          (await allChangedDiskAreas(session, vm, snapshot!, snapDisk, mode.kind === 'changed' ? mode.sinceChangeId : '*')).map(
            (a) => ({ offset: a.start, length: a.length }),
          ),
        );
      } catch (err) {
        if (mode.kind !== 'changed') throw err;
        // The saved change id is no longer valid (CBT reset): read this disk in full instead.
        notes.push(`${d.label}: changed areas unavailable (${(err as Error).message}); read in full.`);
        mode = { kind: 'allocated' };
        diskPlan = await planSourceDisk(disk, mode, async () => []);
      }
      open.push({ key: d.key, label: d.label, vddk: disk, plan: diskPlan, snapshotDisk: snapDisk });
      tracker.addDisk(d.key, d.label, diskPlan.bytesToRead);
    }

    tracker.setPhase('reading', 'reading disks');
    for (const o of open) {
      const d = backupDisks.find((x) => x.key === o.key)!;
      const writer = point.addDisk(diskMetaFromConfig(d, config, datastoreTypes, o.snapshotDisk.changeId ?? null));
      const r = await backupDisk({
        source: o.vddk,
        writer,
        key: o.key,
        plan: o.plan,
        pieceBytes: repo.chunkSize,
        signal: readSignal,
        onBytes: (n) => tracker.advance(o.key, n),
      });
      diskResults.push({
        key: o.key,
        label: o.label,
        read: o.plan.mode.kind,
        capacity: d.capacityBytes,
        bytesToRead: o.plan.bytesToRead,
        bytesRead: r.bytesRead,
        bytesZero: r.bytesZero,
        bytesStored: r.bytesRead - r.bytesZero,
        changeId: o.snapshotDisk.changeId ?? null,
        transportMode: o.vddk.transportMode,
      });
    }

    tracker.setPhase('cleanup', 'closing disks');
    for (const o of open.splice(0)) await o.vddk.close();
    await connection.disconnect();
    await vddk.cleanup(params);
    cleanupDone = true;
  } catch (err) {
    failure = err;
  } finally {
    await finishSession();
  }

  async function finishSession(): Promise<void> {
    const attempt = async (what: string, fn: () => Promise<unknown>): Promise<boolean> => {
      try {
        await fn();
        return true;
      } catch (err) {
        notes.push(`${what} failed: ${(err as Error).message}`);
        return false;
      }
    };
    for (const o of open.splice(0)) await attempt(`closing ${o.label}`, () => o.vddk.close());
    if (connection) await attempt('VDDK disconnect', () => connection!.disconnect());
    if (vddk && params && !cleanupDone) await attempt('VDDK Cleanup', () => vddk!.cleanup(params!));
    if (snapshot) {
      tracker.setPhase('cleanup', `removing snapshot "${snapshotName}"`);
      // Not tied to the job's signal: a cancelled backup must still remove its snapshot.
      if (!(await attempt(`removing snapshot "${snapshotName}"`, () => removeSnapshot(session, snapshot!)))) {
        notes.push(`Remove the snapshot "${snapshotName}" of ${config.name} by hand.`);
      }
    }
    if (prepared && vddk && params) await attempt('EndAccess', () => vddk!.endAccess(params!, ACCESS_IDENTITY));
    if (vddk) await attempt('closing the VDDK session', () => vddk!.close());
  }

  if (failure !== undefined || !point) {
    await point?.abort();
    const message = (failure instanceof Error ? failure.message : String(failure)).replace(/([^.])$/, '$1.');
    throw new BackupFailedError(
      `The backup of ${config.name} failed: ${message} No restore point was saved.`,
      notes,
      plan.findings,
      failure,
    );
  }

  tracker.setPhase('commit', 'saving the restore point');
  const committed = await point.commit();
  tracker.setPhase('done', 'done');
  return {
    ok: true,
    pointId: committed.manifest.id,
    kind: meta.kind,
    parentPointId: meta.parentPointId,
    vm: { name: config.name, moref: vm.value, server: session.server },
    snapshotName,
    disks: diskResults,
    skippedDisks: skipped.map((d) => ({ key: d.key, label: d.label, diskMode: d.diskMode })),
    nvramSaved: Boolean(nvram.data),
    bytesRead: diskResults.reduce((s, d) => s + d.bytesRead, 0),
    bytesAdded: committed.bytesAdded,
    chunksWritten: committed.chunksWritten,
    chunksDeduplicated: committed.chunksDeduplicated,
    durationMs: Date.now() - started,
    findings: plan.findings,
    steps: plan.steps,
    rulesApplied: plan.rulesApplied,
    notes,
  };
}
