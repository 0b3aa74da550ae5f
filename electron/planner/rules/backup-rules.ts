import type { BackupFacts } from '../backup-facts';
import type { Finding } from '../plan-types';
import type { DraftStep } from './step-draft';

/** Backup phases, in order. */
export const BACKUP_PHASE = { enableCbt: 10, saveConfig: 20, snapshot: 30, diskRead: 40, removeSnapshot: 50 } as const;

const label = (d: BackupFacts['disks'][number]) => d.label ?? `Disk ${d.key}`;

/** BACKUP-TOOLS-LOGGING and CRYPT-CLEAR-ON-MEDIA. */
export function backupFindings(f: BackupFacts): Finding[] {
  const out: Finding[] = [];
  // BACKUP-TOOLS-LOGGING: a quiesced snapshot with tools logging to a guest file can hang or fail.
  if (f.vm.quiesce && f.vm.toolsLogToFile) {
    out.push({
      rule: 'BACKUP-TOOLS-LOGGING',
      severity: 'warn',
      message: `VMware Tools in ${f.vm.name} logs debug output to a file inside the guest while the snapshot is quiesced.`,
      remedy: 'Set vmtoolsd.handler=vmx in the Tools configuration so the log goes through the VMX instead of a guest file.',
    });
  }
  // CRYPT-CLEAR-ON-MEDIA
  for (const d of f.disks) {
    if (d.independent || !d.encrypted) continue;
    out.push({
      rule: 'CRYPT-CLEAR-ON-MEDIA',
      severity: 'info',
      disk: d.key,
      message: `${label(d)} is encrypted in vSphere, but VDDK hands its data over decrypted; the repository encrypts every chunk before it is stored.`,
      remedy: 'Nothing to do; keep the repository key safe (it is in the OS keychain).',
    });
  }
  return out;
}

/** BACKUP-CBT-FIRST, BACKUP-SAVE-CONFIG, BACKUP-ALLOCATED-FIRST, BACKUP-SKIP-INDEPENDENT. */
export function backupSteps(f: BackupFacts): DraftStep[] {
  const steps: DraftStep[] = [];
  if (f.firstBackup && !f.vm.cbtEnabled) {
    steps.push({
      rule: 'BACKUP-CBT-FIRST',
      phase: BACKUP_PHASE.enableCbt,
      description: `Enable change tracking on ${f.vm.name} before the first snapshot, so later backups can read only changed areas.`,
    });
  }
  const extras = [
    f.vm.encrypted || f.vm.vtpm ? 'keyId, encryption.bundle' : null,
    'firmware',
    f.vm.vtpm ? 'vTPM device' : null,
    'storage policy',
    'NVRAM (datastore file service)',
  ];
  steps.push({
    rule: 'BACKUP-SAVE-CONFIG',
    phase: BACKUP_PHASE.saveConfig,
    description: `Save ${f.vm.name}'s ConfigInfo through the PropertyCollector with ${extras.filter(Boolean).join(', ')} into the restore point.`,
  });
  for (const d of f.disks) {
    if (d.independent) {
      steps.push({
        rule: 'BACKUP-SKIP-INDEPENDENT',
        phase: BACKUP_PHASE.diskRead,
        disk: d.key,
        description: `Skip ${label(d)}: it is independent (cannot be snapshotted); record its size and place so a restore can offer an empty disk.`,
      });
    } else if (f.firstBackup) {
      steps.push({
        rule: 'BACKUP-ALLOCATED-FIRST',
        phase: BACKUP_PHASE.diskRead,
        disk: d.key,
        description: `Read only the allocated areas of ${label(d)} (QueryAllocatedBlocks) for this first, full backup.`,
      });
    }
  }
  return steps;
}
