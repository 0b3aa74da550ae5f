import type { VimSession } from '../vsphere/vim-session';
import type { MoRef } from '../vsphere/vim-types';
import { runBackupJob, type BackupJobInput } from './backup-job';
import type { BackupResult } from './backup-result';
import { VsphereBackupSource, type VsphereBackupSourceOptions } from './vsphere-backup-source';

/** A backup over a logged-in vim25 session: the job's input plus how to reach the VM and VDDK. */
export interface BackupJobOptions extends Omit<BackupJobInput, 'vm'>, Omit<VsphereBackupSourceOptions, 'vddk'> {
  vddk: NonNullable<VsphereBackupSourceOptions['vddk']>;
  /** A logged-in session to the vCenter or host that owns the VM. */
  session: VimSession;
  /** The VM by name (looked up in the inventory) or by reference. */
  vm: { name: string } | { ref: MoRef };
}

/** Wires a live backup: the vSphere + VDDK source for the session, then the job (which reaches vSphere only through that port). */
export function runBackup(opts: BackupJobOptions): Promise<BackupResult> {
  const { session, vddk, credentials, thumbprintSha1, transports, vm, ...job } = opts;
  const source = new VsphereBackupSource(session, { vddk, credentials, thumbprintSha1, transports });
  return runBackupJob(source, { ...job, vm: 'ref' in vm ? { moref: vm.ref.value } : vm });
}
