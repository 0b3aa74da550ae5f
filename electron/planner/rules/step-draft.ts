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
