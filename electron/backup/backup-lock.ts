import type { PointWriter } from '../repository/point-writer';

/**
 * Before a backup reads anything: hold the repository lock (a repository in
 * use fails the job now, not after reading the whole VM), then remove the
 * snapshots killed backups of this VM left. Returns the signal the reads obey:
 * the job's, and the lock's (a lost lock stops the job, since a prune elsewhere
 * may then delete its packs).
 */
export async function lockRepositoryAndClearLeftovers(
  point: PointWriter,
  removeStaleSnapshots: () => Promise<string[]>,
  signal: AbortSignal | undefined,
  notes: string[],
): Promise<AbortSignal> {
  const lockSignal = await point.ready();
  notes.push(...(await removeStaleSnapshots()));
  return signal ? AbortSignal.any([signal, lockSignal]) : lockSignal;
}
