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
 * bundle, policy → CBT off → per disk write → NVRAM upload → signature check →
 * CBT on → EndAccess → Cleanup after HotAdd.
 */
export const PHASE = {
  vddkConfig: 10,
  prepareAccess: 20,
  configSpec: 30,
  firmware: 31,
  vtpmDevice: 32,
  keys: 33,
  createVm: 34,
  cbtOff: 40,
  diskWrite: 50,
  nvram: 60,
  signature: 70,
  cbtOn: 80,
  endAccess: 90,
  hotaddCleanup: 100,
} as const;
