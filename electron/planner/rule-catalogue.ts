/**
 * The restore rule catalogue as data: one row per rule ID of restore-rules.md,
 * then one per rule ID of restore-rules-2.md (each part in its document's order).
 * The planner, the wizards and the reports all read titles and severities from
 * here, so an ID's meaning lives in exactly one place in the code.
 */

export type RuleFamily = 'connection' | 'transport' | 'steps-data' | 'crypto-vtpm' | 'backup' | 'nfc';

/** block: the plan cannot run as chosen; warn: it runs, the user must see why; info: explained. */
export type Severity = 'block' | 'warn' | 'info';

/**
 * How a rule shows up in a plan: as a finding, as an automatic step, or as an
 * effect on how a disk is written (buffers, streams). Some do two of these.
 */
export type RuleKind = 'finding' | 'step' | 'effect';

export interface RuleEntry {
  id: string;
  family: RuleFamily;
  kind: RuleKind;
  /** Severity when the rule is reported as a finding (the planner may lower it; see evaluators). */
  severity: Severity;
  title: string;
}

// One row per rule, kept on one line each so the table reads as a table.
// prettier-ignore
export const RULE_CATALOGUE = [
  // Connection and trust
  { id: 'CONN-HOST-MANAGED', family: 'connection', kind: 'finding', severity: 'block', title: 'ESXi host is managed by vCenter: restore through that vCenter' },
  { id: 'CONN-DNS', family: 'connection', kind: 'finding', severity: 'warn', title: 'Server name does not resolve from the workstation' },
  { id: 'CONN-THUMBPRINT', family: 'connection', kind: 'finding', severity: 'block', title: 'Server certificate not trusted, or its thumbprint changed' },
  // Transport choice (per disk)
  { id: 'XPORT-SAN-NEEDS-PHYSICAL', family: 'transport', kind: 'finding', severity: 'block', title: 'SAN needs a physical workstation' },
  { id: 'XPORT-SAN-NO-LUN', family: 'transport', kind: 'finding', severity: 'block', title: 'Target datastore LUN not visible to the workstation' },
  { id: 'XPORT-SAN-LOCAL-DATASTORE', family: 'transport', kind: 'effect', severity: 'info', title: 'Non-SAN datastore on a SAN-attached host: request the transport explicitly' },
  { id: 'XPORT-SAN-THIN-SLOW', family: 'transport', kind: 'finding', severity: 'warn', title: 'Thin disk over SAN is slow' },
  { id: 'XPORT-SAN-NO-REDO', family: 'transport', kind: 'finding', severity: 'block', title: 'SAN cannot write redo logs or child disks' },
  { id: 'XPORT-SAN-NO-VVOL', family: 'transport', kind: 'finding', severity: 'block', title: 'SAN cannot write to a VVol datastore' },
  { id: 'XPORT-SAN-NO-ENCRYPTED', family: 'transport', kind: 'finding', severity: 'block', title: 'SAN cannot write encrypted disks' },
  { id: 'XPORT-SAN-VMFS-BLOCK', family: 'transport', kind: 'finding', severity: 'block', title: 'Pre-5.5 host: SAN write needs a disk size that is a multiple of the VMFS block' },
  { id: 'XPORT-SAN-STREAMS', family: 'transport', kind: 'effect', severity: 'info', title: 'At most 6 concurrent SAN streams per ESXi host' },
  { id: 'XPORT-HOTADD-NEEDS-VM', family: 'transport', kind: 'finding', severity: 'block', title: 'HotAdd needs the workstation to be a VM' },
  { id: 'XPORT-HOTADD-SAME-VCENTER', family: 'transport', kind: 'finding', severity: 'block', title: 'HotAdd needs proxy and target under one vCenter, datastore reachable' },
  { id: 'XPORT-HOTADD-IDE', family: 'transport', kind: 'finding', severity: 'block', title: 'HotAdd cannot attach IDE disks' },
  { id: 'XPORT-HOTADD-ENCRYPTED-PROXY', family: 'transport', kind: 'finding', severity: 'block', title: 'HotAdd of an encrypted disk needs an encrypted proxy VM' },
  { id: 'XPORT-HOTADD-CONTROLLER-ORDER', family: 'transport', kind: 'finding', severity: 'warn', title: 'Proxy SCSI controllers not numbered in sequence' },
  { id: 'XPORT-HOTADD-UNBUFFERED', family: 'transport', kind: 'effect', severity: 'info', title: 'HotAdd writes are unbuffered with sector-aligned buffers' },
  { id: 'XPORT-NBDSSL-BUFFER', family: 'transport', kind: 'effect', severity: 'info', title: 'NBD/NBDSSL I/O of at most 2 MiB, several requests in flight' },
  { id: 'XPORT-ALIGNED-BUFFERS', family: 'transport', kind: 'effect', severity: 'info', title: 'VDDK buffers aligned to the 512-byte sector' },
  { id: 'XPORT-NO-AVAILABLE', family: 'transport', kind: 'finding', severity: 'block', title: 'No transport allowed for a disk' },
  // Restore steps and data shape
  { id: 'STEP-CBT-OFF', family: 'steps-data', kind: 'step', severity: 'info', title: 'Change tracking off while writing, back on after' },
  { id: 'STEP-PREPARE-ACCESS', family: 'steps-data', kind: 'step', severity: 'info', title: 'PrepareForAccess before writing, EndAccess after' },
  { id: 'STEP-CONFIG-FROM-CONFIGINFO', family: 'steps-data', kind: 'step', severity: 'info', title: 'Create the VM from the saved ConfigInfo, never a copied .vmx' },
  { id: 'STEP-HOTADD-CLEANUP', family: 'steps-data', kind: 'step', severity: 'info', title: 'VDDK Cleanup after HotAdd, before any snapshot removal' },
  { id: 'STEP-WINDOWS-SIGNATURE', family: 'steps-data', kind: 'step', severity: 'info', title: 'Check and repair the Windows disk signature after HotAdd' },
  { id: 'DATA-INDEPENDENT-DISK', family: 'steps-data', kind: 'finding', severity: 'warn', title: 'Independent disks were never backed up' },
  { id: 'DATA-THICK-SPACE', family: 'steps-data', kind: 'finding', severity: 'block', title: 'Datastore too small for the thick disks' },
  { id: 'DATA-THIN-SPACE', family: 'steps-data', kind: 'finding', severity: 'block', title: 'Datastore too small for the thin disk data' },
  { id: 'DATA-LAZY-TO-EAGER', family: 'steps-data', kind: 'finding', severity: 'info', title: 'Lazy-zeroed disk without allocation map restores eager-zeroed' },
  { id: 'DATA-NFS-THIN-INFLATE', family: 'steps-data', kind: 'finding', severity: 'warn', title: 'Thin disk may inflate on this NFS datastore' },
  { id: 'DATA-THIN-FIRST-WRITE', family: 'steps-data', kind: 'finding', severity: 'info', title: 'First writes to a new thin disk are slower' },
  // Encryption, vTPM and NVRAM
  { id: 'CRYPT-KEYS-SAVED', family: 'crypto-vtpm', kind: 'step', severity: 'info', title: 'Apply saved keyId, encryption bundle and policy' },
  { id: 'CRYPT-KEYS-MISSING', family: 'crypto-vtpm', kind: 'finding', severity: 'warn', title: 'Encrypted VM without saved keyId or bundle' },
  { id: 'CRYPT-KMS-MISMATCH', family: 'crypto-vtpm', kind: 'finding', severity: 'warn', title: 'Target has no key provider with the original name' },
  { id: 'CRYPT-POLICY-MISSING', family: 'crypto-vtpm', kind: 'finding', severity: 'warn', title: 'Saved storage policy missing on the target' },
  { id: 'CRYPT-CLEAR-ON-MEDIA', family: 'crypto-vtpm', kind: 'finding', severity: 'info', title: 'Encrypted disk data arrives in the clear; the repository encrypts it' },
  { id: 'VTPM-FIRMWARE', family: 'crypto-vtpm', kind: 'step', severity: 'info', title: 'Firmware set to EFI before the vTPM is added' },
  { id: 'VTPM-RESTORE', family: 'crypto-vtpm', kind: 'step', severity: 'info', title: 'Add the saved vTPM device, then upload NVRAM' },
  { id: 'VTPM-NVRAM-MISSING', family: 'crypto-vtpm', kind: 'finding', severity: 'warn', title: 'NVRAM not saved: generic NVRAM, vTPM secrets lost' },
  // Backup side
  { id: 'BACKUP-CBT-FIRST', family: 'backup', kind: 'step', severity: 'info', title: 'Enable change tracking before the first snapshot' },
  { id: 'BACKUP-ALLOCATED-FIRST', family: 'backup', kind: 'step', severity: 'info', title: 'First backup reads allocated areas only' },
  { id: 'BACKUP-SKIP-INDEPENDENT', family: 'backup', kind: 'step', severity: 'info', title: 'Skip independent disks, record them' },
  { id: 'BACKUP-SAVE-CONFIG', family: 'backup', kind: 'step', severity: 'info', title: 'Save ConfigInfo, keys, firmware, vTPM, policy and NVRAM' },
  { id: 'BACKUP-TOOLS-LOGGING', family: 'backup', kind: 'finding', severity: 'warn', title: 'Tools debug log to a local file during a quiesced snapshot' },
  // NFC and sessions
  { id: 'NFC-TIMEOUTS', family: 'nfc', kind: 'step', severity: 'info', title: 'Write NFC timeouts into the VDDK config file' },
  { id: 'NFC-KEEPALIVE', family: 'nfc', kind: 'step', severity: 'info', title: 'Keep idle NFC disks open by reading sector 0' },
  // Part 2 (restore-rules-2.md): the restore request and real-vSphere conformance
  { id: 'CONN-NO-KEYCHAIN', family: 'connection', kind: 'finding', severity: 'info', title: 'No OS keychain: credentials are used for this session only' },
  { id: 'XPORT-SAN-RESTORE-SNAPSHOT', family: 'transport', kind: 'step', severity: 'info', title: 'SAN write: restore snapshot before, revert and delete it after' },
  { id: 'XPORT-SAN-EXISTING-SNAPSHOTS', family: 'transport', kind: 'finding', severity: 'block', title: 'SAN write to a VM that already has snapshots' },
  { id: 'DATA-TARGET-POWERED-ON', family: 'steps-data', kind: 'finding', severity: 'block', title: 'Target VM is powered on: its disks cannot be written' },
  { id: 'DATA-VM-NAME-TAKEN', family: 'steps-data', kind: 'finding', severity: 'block', title: 'A VM with the new name already exists in the datacenter' },
  { id: 'DATA-DISK-MAP', family: 'steps-data', kind: 'finding', severity: 'block', title: 'A restore-point disk has no matching disk in the target VM' },
  { id: 'DATA-HW-VERSION', family: 'steps-data', kind: 'finding', severity: 'block', title: 'Hardware version not supported by the target host' },
  { id: 'DATA-NETWORK-MAP', family: 'steps-data', kind: 'finding', severity: 'warn', title: 'Source network missing on the target host: NIC mapped' },
  { id: 'DATA-NO-CONFIGINFO', family: 'steps-data', kind: 'finding', severity: 'warn', title: 'No saved ConfigInfo: the VM is built from stated defaults' },
  { id: 'DATA-ALLOCATION-UNKNOWN', family: 'steps-data', kind: 'finding', severity: 'info', title: 'Allocated blocks unknown: the disk is read or written whole' },
  { id: 'STEP-POWER-ON', family: 'steps-data', kind: 'step', severity: 'info', title: 'Power the VM on after the restore, before the closing steps' },
] as const satisfies readonly RuleEntry[];

export type RuleId = (typeof RULE_CATALOGUE)[number]['id'];

const byId = new Map<string, RuleEntry>(RULE_CATALOGUE.map((r) => [r.id, r]));

/** The catalogue row for an ID; throws on an unknown ID (a programming error). */
export function ruleEntry(id: RuleId): RuleEntry {
  const entry = byId.get(id);
  if (!entry) throw new Error(`unknown rule ID ${id}`);
  return entry;
}

export function isRuleId(id: string): id is RuleId {
  return byId.has(id);
}
