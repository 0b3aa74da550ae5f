import { decideBackup, type BackupDecision } from './backup-decision';
import type { BackupJobInput } from './backup-job';
import { BackupFailedError } from './backup-result';
import { isIndependent, type BackupSource, type SourceVm, type SourceVmDisk } from './backup-source-port';

/** What the backup will do, worked out before anything changes on the source. */
export interface PreparedBackup {
  vm: SourceVm;
  backupDisks: SourceVmDisk[];
  skipped: SourceVmDisk[];
  decision: BackupDecision;
}

/**
 * BACKUP-SAVE-CONFIG (read), BACKUP-SKIP-INDEPENDENT and the full/incremental
 * decision: reads the VM's configuration and the repository, changes nothing.
 * The backup service's plan is this; the job starts with it.
 */
export async function prepareBackup(
  source: BackupSource,
  input: Pick<BackupJobInput, 'repo' | 'vm' | 'full' | 'quiesce'>,
): Promise<PreparedBackup> {
  const moref = 'moref' in input.vm ? input.vm.moref : await source.findVm(input.vm.name);
  const vm = await source.readVm(moref);
  const backupDisks = vm.disks.filter((d) => !isIndependent(d));
  const skipped = vm.disks.filter(isIndependent);
  if (backupDisks.length === 0)
    throw new BackupFailedError(`${vm.name} has no disk that can be backed up (independent disks cannot be snapshotted).`, []);
  const decision = await decideBackup({
    repo: input.repo,
    vm,
    connection: { server: source.server, kind: source.kind },
    disks: backupDisks,
    full: input.full ?? false,
    quiesce: input.quiesce ?? false,
  });
  return { vm, backupDisks, skipped, decision };
}

