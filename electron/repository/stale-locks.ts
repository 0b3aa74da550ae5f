import type { Repository } from './repository';
import { isStale, LOCKS_PREFIX, readLock, type LockRecord } from './repository-lock';

export interface LockListing {
  object: string;
  /** null: not a readable lock (junk, or another repository's). */
  holder: LockRecord | null;
  stale: boolean;
}

/** Every lock file with its holder and whether it is stale. */
export async function listLocks(repo: Repository): Promise<LockListing[]> {
  const out: LockListing[] = [];
  for (const obj of await repo.backend.list(LOCKS_PREFIX)) {
    const holder = await readLock(repo.backend, repo.keys, obj.name);
    out.push({ object: obj.name, holder, stale: holder === null || isStale(holder) });
  }
  return out;
}

/**
 * `lifeboat repo unlock`: removes stale locks (their holder died, or stopped
 * refreshing), and unreadable ones; with `all`, every lock, which is safe only
 * when the user knows no job runs on any host.
 */
export async function removeLocks(
  repo: Repository,
  options: { all?: boolean } = {},
): Promise<{ removed: LockListing[]; kept: LockListing[] }> {
  const removed: LockListing[] = [];
  const kept: LockListing[] = [];
  for (const lock of await listLocks(repo)) {
    if (lock.stale || options.all) {
      await repo.backend.delete(lock.object);
      removed.push(lock);
    } else kept.push(lock);
  }
  return { removed, kept };
}
