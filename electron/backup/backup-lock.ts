import type { PointWriter } from '../repository/point-writer';
import type { VimSession } from '../vsphere/vim-session';
import type { MoRef } from '../vsphere/vim-types';
import { removeStaleBackupSnapshots } from './stale-backup-snapshots';

/**
 * Before a backup reads anything: hold the repository lock (a repository in
 * use fails the job now, not after reading the whole VM), then remove the
 * snapshots killed backups of this VM left. Returns the signal the reads obey:
 * the job's, and the lock's (a lost lock stops the job, since a prune elsewhere
 * may then delete its packs).
 */
export async function lockRepositoryAndClearLeftovers(
  point: PointWriter,
  session: VimSession,
  vm: MoRef,
  signal: AbortSignal | undefined,
  notes: string[],
): Promise<AbortSignal> {
  const lockSignal = await point.ready();
  notes.push(...(await removeStaleBackupSnapshots(session, vm, signal)));
  return signal ? AbortSignal.any([signal, lockSignal]) : lockSignal;
}
