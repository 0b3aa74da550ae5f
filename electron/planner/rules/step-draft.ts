import type { RuleId } from '../rule-catalogue';

/** A step before numbering: its phase in the data flow decides the order. */
export interface DraftStep {
  rule: RuleId;
  phase: number;
  description: string;
  disk?: number;
}

/**
 * Phases of a restore, in the order of the architecture's data flow:
 * PrepareForAccess → create VM from ConfigInfo → firmware before vTPM → keys,
 * bundle, policy → CBT off → SAN restore snapshot → per disk write → signature
 * check → NVRAM upload → revert and delete the restore snapshot → power on →
 * CBT on → EndAccess → Cleanup after HotAdd.
 */
export const PHASE = {
  // DATA-TARGET-POWERED-ON: before anything changes, the VM a disks restore writes into must be off.
  powerCheck: 5,
  vddkConfig: 10,
  configSpec: 30,
  firmware: 31,
  vtpmDevice: 32,
  keys: 33,
  createVm: 34,
  // PrepareForAccess names the VM it protects: a new VM has to exist first (the restore job runs it here).
  prepareAccess: 35,
  cbtOff: 40,
  // XPORT-SAN-RESTORE-SNAPSHOT: taken with change tracking already off, right before the SAN writes.
  sanSnapshot: 45,
  diskWrite: 50,
  // The signature check reads sector 0 back right after the writes, before the read-back verification.
  signature: 55,
  nvram: 60,
  // Revert to the restore snapshot and delete it once every write is done (also after a failure).
  sanRevert: 70,
  // STEP-POWER-ON: after NVRAM and verification, last before the closing steps.
  powerOn: 75,
  cbtOn: 80,
  endAccess: 90,
  hotaddCleanup: 100,
} as const;

/**
 * The job phase each step phase runs in: the plan's steps are the job's
 * contract, so the restore job runs exactly the phases its plan names.
 * (Read-back verification belongs to the disk writes; the plan's `verify` says whether it runs.)
 */
export const JOB_PHASE_OF: Record<number, JobPhaseName> = {
  [PHASE.powerCheck]: 'power-check',
  [PHASE.vddkConfig]: 'vddk-config',
  [PHASE.configSpec]: 'create-vm',
  [PHASE.firmware]: 'create-vm',
  [PHASE.vtpmDevice]: 'create-vm',
  [PHASE.keys]: 'create-vm',
  [PHASE.createVm]: 'create-vm',
  [PHASE.prepareAccess]: 'prepare-access',
  [PHASE.cbtOff]: 'cbt-off',
  [PHASE.sanSnapshot]: 'san-snapshot',
  [PHASE.diskWrite]: 'write-disks',
  [PHASE.signature]: 'signature-check',
  [PHASE.nvram]: 'nvram',
  [PHASE.sanRevert]: 'san-snapshot-remove',
  [PHASE.powerOn]: 'power-on',
  [PHASE.cbtOn]: 'cbt-on',
  [PHASE.endAccess]: 'end-access',
  [PHASE.hotaddCleanup]: 'cleanup',
};

export type JobPhaseName =
  | 'power-check'
  | 'vddk-config'
  | 'create-vm'
  | 'prepare-access'
  | 'cbt-off'
  | 'san-snapshot'
  | 'write-disks'
  | 'verify-disks'
  | 'signature-check'
  | 'nvram'
  | 'san-snapshot-remove'
  | 'power-on'
  | 'cbt-on'
  | 'end-access'
  | 'cleanup';
