import type { ImportedVmChoices } from '../api/schemas/restore-request';
import type { DiskImage } from '../disks/disk-image';
import type { RestorePointManifest } from '../repository/restore-point-manifest';
import type { TransportName } from '../planner/scenario-schema';

/** A VM on the target the restore writes into. */
export interface RestoreVm {
  moref: string;
  name: string;
}

/** What makes a VM the one a job wrote to: a moref alone can be reused by another VM after a server restart. */
export interface VmIdentity {
  moref: string;
  name: string;
  instanceUuid: string | null;
  disks: Array<{ key: number; fileName: string; capacityBytes: number }>;
}

/** Where and how to create the restored VM (full-VM restores). */
export interface VmPlacement {
  name: string;
  datastore: string;
  host?: string;
  folder?: string;
  resourcePool?: string;
  /** DATA-NETWORK-MAP: source network name → target network name (a network of the chosen host, not an uplink). */
  networkMap?: Record<string, string>;
  /** DATA-HW-VERSION choice: a lower hardware version the target host supports (e.g. "vmx-18"). */
  hardwareVersion?: string;
  /** CRYPT-KEYS-MISSING / CRYPT-KMS-MISMATCH fallbacks, chosen explicitly by the user; never silently. */
  encryption: 'keep' | 'new-keys' | 'unencrypted';
  storagePolicy?: string;
  /** The datastore of each restore-point disk that does not go to `datastore` (the plan's per-disk datastore). */
  diskDatastores?: Record<number, string>;
  /** Restored disk provisioning per restore-point disk key (absent: as saved). */
  diskProvisioning?: Record<number, 'thin' | 'lazyzeroed' | 'eagerzeroed'>;
  /** Written into the new VM's configuration (extraConfig `lifeboat.restoreJob`) so a crash during creation leaves a VM the resumed job can recognise. */
  jobMarker?: string;
  /** DATA-NO-CONFIGINFO: for a point imported from an image, the firmware, guest OS or controller chosen instead of the defaults. */
  importedVm?: ImportedVmChoices;
  /** DATA-INDEPENDENT-DISK: independent disks were never backed up; create them as new empty disks only when asked. */
  includeIndependentDisks?: boolean;
}

/** A disk to add to an existing VM for a restore-point disk. */
export interface NewTargetDisk {
  pointKey: number;
  capacity: number;
  provisioning: 'thin' | 'lazyzeroed' | 'eagerzeroed';
}

/** A disk opened for writing on the target. */
export interface OpenedTargetDisk {
  image: DiskImage;
  /** The transport VDDK actually used (may be reported back by the library). */
  transportMode: string;
  /** True when untouched areas read as zeros (a new disk), so zeros need not be written. */
  readsZero: boolean;
  close(): Promise<void>;
}

export interface OpenDiskOptions {
  transport: TransportName;
  /** XPORT-HOTADD-UNBUFFERED */
  unbuffered: boolean;
  /** True for a disk the restore just created (reads as zeros). */
  fresh: boolean;
}

/** What the host enforces on a VM's disks right now. */
export interface VmDiskState {
  powerState: 'poweredOn' | 'poweredOff' | 'suspended' | string;
  snapshots: Array<{ ref: string; name: string }>;
}

/**
 * What a restore needs from where it writes. The vSphere + VDDK target
 * implements it for vCenter and ESXi; the executor never talks to vSphere
 * directly, so every rule's step lives in one place (the job).
 */
export interface RestoreTarget {
  /** "vCenter vc01 (vcenter)" etc., for reports. */
  readonly description: string;
  /** PrepareForAccess/EndAccess exist on vCenter only. */
  readonly supportsPrepareForAccess: boolean;
  prepareForAccess(vm: RestoreVm | null, identity: string): Promise<void>;
  endAccess(vm: RestoreVm | null, identity: string): Promise<void>;
  /** STEP-CONFIG-FROM-CONFIGINFO: builds a ConfigSpec from the saved ConfigInfo and creates the VM. */
  createVm(point: RestorePointManifest, placement: VmPlacement): Promise<RestoreVm>;
  /** Looks a VM up again (resume after a crash). */
  findVm(moref: string): Promise<RestoreVm | null>;
  /** The VM's identity now (instance UUID, name, disk files and sizes); null when no VM has that moref. */
  vmIdentity(vm: RestoreVm): Promise<VmIdentity | null>;
  /** A VM created by this job (its configuration carries the job's marker), e.g. when a crash came before the job recorded it. */
  findVmByMarker(name: string, jobMarker: string): Promise<RestoreVm | null>;
  /** Whether any VM of that name exists. */
  vmNameInUse(name: string): Promise<boolean>;
  /**
   * Disk restore as new disks: adds empty disks of the given sizes to an
   * existing VM and returns restore-point disk key → new device key.
   */
  addDisks(vm: RestoreVm, disks: NewTargetDisk[], datastore: string): Promise<Map<number, number>>;
  changeTrackingEnabled(vm: RestoreVm): Promise<boolean>;
  setChangeTracking(vm: RestoreVm, enabled: boolean): Promise<void>;
  openDisk(vm: RestoreVm, diskKey: number, options: OpenDiskOptions): Promise<OpenedTargetDisk>;
  /** VTPM-RESTORE: upload through the datastore file service after the VM exists. */
  uploadNvram(vm: RestoreVm, data: Buffer): Promise<void>;
  /** STEP-POWER-ON: powers the VM on (after the restore, as asked). */
  powerOn(vm: RestoreVm): Promise<void>;
  /** Power state and snapshots (DATA-TARGET-POWERED-ON, XPORT-SAN-EXISTING-SNAPSHOTS). */
  diskState(vm: RestoreVm): Promise<VmDiskState>;
  /** The explicit power-off step the user chose instead of DATA-TARGET-POWERED-ON's block. */
  powerOff(vm: RestoreVm): Promise<void>;
  /** XPORT-SAN-RESTORE-SNAPSHOT: takes the restore snapshot (no memory, no quiescing); returns its reference. */
  createRestoreSnapshot(vm: RestoreVm, name: string): Promise<string>;
  /** XPORT-SAN-RESTORE-SNAPSHOT: reverts to the restore snapshot, then deletes it. */
  revertAndRemoveSnapshot(vm: RestoreVm, snapshotRef: string): Promise<void>;
  /** STEP-HOTADD-CLEANUP: VDDK Cleanup after hotadd use. */
  cleanup(): Promise<void>;
  close(): Promise<void>;
}
