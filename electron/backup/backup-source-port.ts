import type { ByteRange } from '../disks/byte-ranges';
import type { DiskMeta, PointMeta } from '../repository/restore-point-manifest';
import type { BackupSourceDisk } from './disk-backup';

/** One disk of the source VM as the backup sees it. */
export interface SourceVmDisk {
  key: number;
  label: string;
  capacityBytes: number;
  /** "persistent", "independent_persistent", …: independent disks cannot be snapshotted (BACKUP-SKIP-INDEPENDENT). */
  diskMode: string;
  fileName: string;
  encrypted: boolean;
}

/** BACKUP-SKIP-INDEPENDENT: independent disks cannot be snapshotted, so a backup skips them and records them. */
export function isIndependent(disk: Pick<SourceVmDisk, 'diskMode'>): boolean {
  return disk.diskMode.startsWith('independent');
}

/** The VM to back up: its identity, what the planner needs, and its configuration turned into manifest fields. */
export interface SourceVm {
  moref: string;
  name: string;
  /** Instance UUID (empty when the server has none): a VM's earlier points are found by it. */
  instanceUuid: string;
  changeTrackingEnabled: boolean;
  encrypted: boolean;
  hasVtpm: boolean;
  disks: SourceVmDisk[];
  /** BACKUP-SAVE-CONFIG: the point-level manifest fields (ConfigInfo, firmware, vTPM, keys, policy, skipped disks). */
  pointMeta(input: { kind: PointMeta['kind']; parentPointId: string | null; storagePolicy: SavedPolicy | null }): PointMeta;
  /** One disk's manifest fields with the change id its snapshot reported. */
  diskMeta(key: number, changeId: string | null): DiskMeta;
}

/** Storage policies as saved (opaque to the job). */
export interface SavedPolicy {
  vm: string[];
  disks: Array<{ key: number; policies: string[] }>;
}

/** What the backup saves besides the disks; a part that could not be read comes with a note saying why. */
export interface SourceVmExtras {
  policy: SavedPolicy | null;
  policyNote?: string;
  nvram: { fileName: string; data: Buffer | null; note?: string };
}

/** A disk of the backup snapshot: the file VDDK opens and the change id to save for the next incremental. */
export interface SnapshotDiskRef {
  key: number;
  fileName: string;
  capacityBytes: number;
  changeId: string | null;
}

export interface SourceSnapshot {
  ref: string;
  disks: SnapshotDiskRef[];
}

/** A snapshot disk opened for reading. */
export interface OpenedSourceDisk extends BackupSourceDisk {
  /** The transport VDDK used. */
  readonly transportMode: string;
  /** DATA-ALLOCATION-UNKNOWN: why the allocation could not be queried (the disk is then read whole). */
  readonly allocationUnknown?: string;
  close(): Promise<void>;
}

/**
 * What a backup needs from where it reads, in the order the job calls it.
 * The vSphere + VDDK source implements it for vCenter and ESXi; the job never
 * talks to vSphere or VDDK directly, so every rule's step lives in one place
 * (backup-job.ts), as RestoreTarget does for restores.
 */
export interface BackupSource {
  /** The server name recorded in the point (a VM's earlier points are found by it). */
  readonly server: string;
  /** PrepareForAccess/EndAccess exist on vCenter only (STEP-PREPARE-ACCESS). */
  readonly supportsPrepareForAccess: boolean;
  readonly kind: 'vcenter' | 'esxi';
  /** The VM by name: exactly one that is not a template, else an error saying what to do. */
  findVm(name: string): Promise<string>;
  /** BACKUP-SAVE-CONFIG: the VM's configuration and disks (changes nothing). */
  readVm(moref: string): Promise<SourceVm>;
  /** Storage policy and NVRAM (BACKUP-SAVE-CONFIG). */
  readExtras(vm: SourceVm): Promise<SourceVmExtras>;
  /** BACKUP-CBT-FIRST */
  enableChangeTracking(vm: SourceVm, signal?: AbortSignal): Promise<void>;
  /** Removes the snapshots killed backups of this VM left; returns notes. */
  removeStaleSnapshots(vm: SourceVm, signal?: AbortSignal): Promise<string[]>;
  /** Starts the reader (a VDDK session logged in for the VM). */
  startReader(vm: SourceVm): Promise<void>;
  /** STEP-PREPARE-ACCESS, before the snapshot exists. */
  prepareForAccess(vm: SourceVm): Promise<void>;
  /** The backup snapshot (no memory), marked as this process's so a later backup can remove it if this one is killed. */
  createSnapshot(vm: SourceVm, name: string, options: { quiesce: boolean; signal?: AbortSignal }): Promise<SourceSnapshot>;
  /** Connects the reader to the snapshot. */
  connect(snapshot: SourceSnapshot): Promise<void>;
  openDisk(disk: SnapshotDiskRef, options: { keepaliveMs?: number }): Promise<OpenedSourceDisk>;
  /** Changed areas of a snapshot disk since a change id ("*": every area in use). */
  changedAreas(vm: SourceVm, snapshot: SourceSnapshot, disk: SnapshotDiskRef, sinceChangeId: string): Promise<ByteRange[]>;
  disconnect(): Promise<void>;
  /** STEP-HOTADD-CLEANUP: VDDK Cleanup, at the start (what a job that stopped uncleanly left) and after the disks are closed; returns how many leftovers it removed. */
  cleanup(): Promise<number>;
  /** Not tied to the job's signal: a cancelled backup must still remove its snapshot. */
  removeSnapshot(snapshot: SourceSnapshot): Promise<void>;
  /** STEP-PREPARE-ACCESS: only after the snapshot is gone. */
  endAccess(vm: SourceVm): Promise<void>;
  /** Ends the reader (VDDK session); nothing to do when it never started. */
  closeReader(): Promise<void>;
  /** Every reader call by function (empty when it never started) (nbdkit-style stats): calls, errors, total milliseconds. */
  readerCalls(): Record<string, { calls: number; errors: number; totalMs: number }>;
}
