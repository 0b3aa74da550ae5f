import type { RuleId, Severity } from './rule-catalogue';
import type { JobPhaseName } from './rules/step-draft';
import type { TimeEstimate } from './rules/time-estimate';
import type { TransportName } from './scenario-schema';

/** One thing the user should know, tied to a rule ID (and to a disk when it is about one). */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** Disk key; absent when the finding is about the whole VM, host or datastore. */
  disk?: number;
  message: string;
  remedy: string;
  /** For transport rules: the transport the rule excluded. */
  transport?: TransportName;
  /** For XPORT-NO-AVAILABLE: every rule that excluded each transport. */
  excludedBy?: Partial<Record<TransportName, RuleId[]>>;
  /** The one-click fixes the remedy names, in the order to offer them; absent when the remedy names none the request can express. */
  fix?: FindingFix[];
}

/**
 * One request option and the value that would satisfy the rule, as the remedy
 * names it (a front door offers it as a button and plans again). Only what the
 * restore request can express.
 */
export type FindingFix =
  | { option: 'transport'; value: TransportName | 'auto' }
  | { option: 'encryption'; value: 'keep' | 'new-keys' | 'unencrypted' }
  | { option: 'storagePolicy'; value: string }
  | { option: 'hardwareVersion'; value: string }
  | { option: 'networkMap'; source: string; value: string }
  | { option: 'powerOffTarget'; value: true }
  | { option: 'name'; value: string };

/** An automatic step of the restore, in execution order. */
export interface PlanStep {
  rule: RuleId;
  order: number;
  /** The restore job phase that carries out this step (the job runs exactly the phases its plan's steps name). */
  phase: JobPhaseName;
  description: string;
  /** Present when the step is for one disk. */
  disk?: number;
}

export interface DiskPlan {
  key: number;
  label: string;
  /** The datastore the restored disk is placed on (options.diskDatastores, else the VM's). */
  datastore: string;
  /** Chosen transport; null when no transport is allowed (see XPORT-NO-AVAILABLE). */
  transport: TransportName | null;
  /** Every rule that excluded each transport for this disk. */
  excluded: Partial<Record<TransportName, RuleId[]>>;
  /** Bytes per read/write request (0 when nothing is written). */
  ioBytes: number;
  /** Requests kept in flight per stream. */
  inFlight: number;
  /** Open with the unbuffered flag (XPORT-HOTADD-UNBUFFERED). */
  unbuffered: boolean;
  /** Buffer address alignment in bytes (XPORT-ALIGNED-BUFFERS). */
  bufferAlignment: number;
  /** 'auto' when the planner picked, 'options' when the user named the transport. */
  chosenBy: 'auto' | 'options';
  /** One sentence: why this transport (or why none). */
  why: string;
  /** Provisioning the restored disk will have (DATA-LAZY-TO-EAGER can change it). */
  restoredProvisioning: 'thin' | 'lazyzeroed' | 'eagerzeroed';
  /** Bytes the copy reads from the restore point and writes. */
  bytesToWrite: number;
  /** A new thin disk: first writes allocate blocks, so the ETA uses a lower rate (DATA-THIN-FIRST-WRITE). */
  firstWriteAllocates: boolean;
  /** Effect rules that shaped how this disk is written. */
  effects: RuleId[];
  /** Disks restore into an existing VM: the disk written (DATA-DISK-MAP); null when none fits; absent otherwise. */
  targetDisk?: number | null;
}

/** Where a source NIC is connected on the target (DATA-NETWORK-MAP). */
export interface PlanNetwork {
  source: string;
  target: string | null;
  how: 'same-name' | 'mapped' | 'automatic' | 'unknown' | 'none';
}

export interface Plan {
  ok: boolean;
  /** The VM the plan restores (for text output and reports). */
  vm: string;
  /** The name the VM has after the restore: the new VM's, or the existing one a disks restore writes into. */
  vmName: string;
  /** How long the restore should take at assumed rates per transport (the run replaces them with measured ones). */
  estimate: TimeEstimate;
  /** Every written disk is read back and compared (part of each disk's write step). */
  verify: boolean;
  /** STEP-POWER-ON: the VM is powered on after the restore. */
  powerOn: boolean;
  /** The encryption choice in force (full-VM restores of encrypted or vTPM VMs). */
  encryption: 'keep' | 'new-keys' | 'unencrypted';
  /** The encryption storage policy used, when the restored VM is encrypted; else null. */
  storagePolicy: string | null;
  /** The hardware version the new VM is created with (null: as saved, not known). */
  hardwareVersion: string | null;
  /** DATA-NO-CONFIGINFO: what a VM built from defaults gets (which of them the user chose); null when built from saved ConfigInfo. */
  importedVm: { firmware: 'bios' | 'efi'; guestId: string; controller: string; chosen: Array<'firmware' | 'guestId' | 'controller'> } | null;
  /** Each source NIC's network on the target. */
  networks: PlanNetwork[];
  restoreKind: 'full-vm' | 'disks';
  transportOption: 'auto' | TransportName;
  disks: DiskPlan[];
  findings: Finding[];
  steps: PlanStep[];
  /** Concurrent disk streams to one ESXi host (XPORT-SAN-STREAMS caps it). */
  streamsPerHost: number;
  /** Every rule ID that shaped this plan, sorted: for reports and the UI. */
  rulesApplied: RuleId[];
}
