/**
 * The typed phases of a restore job, in execution order, each with the rule
 * that asks for it. The report lists them by these IDs.
 */
export const RESTORE_PHASES = [
  // Before anything changes: a running VM holds its disks (DATA-TARGET-POWERED-ON).
  { phase: 'power-check', rule: 'DATA-TARGET-POWERED-ON', title: 'Check the target VM is powered off' },
  // A new VM exists only after create-vm, and PrepareForAccess names the VM it protects.
  { phase: 'create-vm', rule: 'STEP-CONFIG-FROM-CONFIGINFO', title: 'Create the VM from the saved ConfigInfo' },
  { phase: 'prepare-access', rule: 'STEP-PREPARE-ACCESS', title: 'PrepareForAccess (storage vMotion held off)' },
  { phase: 'cbt-off', rule: 'STEP-CBT-OFF', title: 'Change tracking off while writing' },
  // After change tracking is off, so reverting to the snapshot keeps it off until cbt-on.
  { phase: 'san-snapshot', rule: 'XPORT-SAN-RESTORE-SNAPSHOT', title: 'Take the restore snapshot SAN writes need' },
  { phase: 'write-disks', rule: 'XPORT-ALIGNED-BUFFERS', title: 'Write the allocated extents of every disk' },
  { phase: 'signature-check', rule: 'STEP-WINDOWS-SIGNATURE', title: 'Check disk signatures over NBDSSL' },
  { phase: 'verify-disks', rule: 'XPORT-ALIGNED-BUFFERS', title: 'Read back and compare every disk' },
  { phase: 'nvram', rule: 'VTPM-RESTORE', title: 'Upload NVRAM through the datastore file service' },
  { phase: 'san-snapshot-remove', rule: 'XPORT-SAN-RESTORE-SNAPSHOT', title: 'Revert to the restore snapshot and delete it' },
  { phase: 'power-on', rule: 'STEP-POWER-ON', title: 'Power the VM on' },
  { phase: 'cbt-on', rule: 'STEP-CBT-OFF', title: 'Change tracking back on' },
  { phase: 'end-access', rule: 'STEP-PREPARE-ACCESS', title: 'EndAccess' },
  { phase: 'cleanup', rule: 'STEP-HOTADD-CLEANUP', title: 'VDDK Cleanup after HotAdd' },
] as const;

export type RestorePhase = (typeof RESTORE_PHASES)[number]['phase'];
export type PhaseStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface PhaseRecord {
  phase: RestorePhase;
  rule: string;
  title: string;
  status: PhaseStatus;
  detail: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export function initialPhases(): PhaseRecord[] {
  return RESTORE_PHASES.map((p) => ({ ...p, status: 'pending', detail: null, startedAt: null, finishedAt: null }));
}
