import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { holderMayBeAlive } from './process-liveness';
import { ObjectNotFoundError, type RepositoryBackend } from './repository-backend';
import type { RepositoryKeys } from './repository-keys';
import { open, seal } from './sealed-box';

/**
 * Locks keep prune away from packs someone still needs: a running backup's
 * packs (not indexed yet) and the packs a restore, export or verify reads.
 * Writers and readers take shared locks, prune and repair an exclusive one.
 * A lock is an object `locks/<random>`, sealed like every other object (it
 * names the VM). The holder re-writes it every REFRESH_MS; a refresh that
 * fails aborts `lock.signal`, because after STALE_MS others may prune.
 * A lock is stale when not refreshed for STALE_MS, or at once when it was
 * taken on this host by a process that no longer exists (after restic's lock).
 */
export const LOCKS_PREFIX = 'locks/';
export const REFRESH_MS = 5 * 60 * 1000;
export const STALE_MS = 30 * 60 * 1000;
const LOCK_AD = 'lifeboat-lock';

const lockSchema = z.object({
  kind: z.enum(['shared', 'exclusive']),
  purpose: z.string(),
  host: z.string(),
  pid: z.number(),
  time: z.string(),
});
export type LockRecord = z.infer<typeof lockSchema>;

export class RepositoryLockedError extends Error {
  constructor(readonly holder: LockRecord) {
    super(`the repository is in use: ${holder.purpose} on ${holder.host} (pid ${holder.pid}) since ${holder.time}`);
    this.name = 'RepositoryLockedError';
  }
}

/** The lock could not be refreshed (or was removed): others may prune, so the job holding it must stop. */
export class LockLostError extends Error {
  constructor(detail: string) {
    super(`the repository lock was lost (${detail}); the job stopped so that a prune elsewhere cannot delete its data`);
    this.name = 'LockLostError';
  }
}

export interface LockOptions {
  now?: () => number;
  /**
   * Readers on read-only media cannot write a lock, and nobody can prune
   * there either: with this set they go on without one.
   */
  allowReadOnlyMedium?: boolean;
}

export function encodeLock(keys: RepositoryKeys, record: LockRecord): Buffer {
  return seal(keys.encryption, Buffer.from(JSON.stringify(record), 'utf8'), LOCK_AD);
}

/** A lock record, or null for something that is not one (junk, a half-visible write, another repository's). */
export function decodeLock(keys: RepositoryKeys, data: Buffer): LockRecord | null {
  const plain = open(keys.encryption, data, LOCK_AD);
  // Before locks were sealed they were plain JSON: an older version's running job must still be respected.
  const text = (plain ?? data).toString('utf8');
  try {
    const parsed = lockSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** True when nothing can hold this lock any more (see the module comment). */
export function isStale(record: LockRecord, now: number = Date.now()): boolean {
  if (now - Date.parse(record.time) > STALE_MS) return true;
  return !holderMayBeAlive(record.host, record.pid);
}

function isReadOnlyMediumError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
}

export class RepositoryLock {
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  private readonly lost = new AbortController();

  private constructor(
    private readonly backend: RepositoryBackend,
    private readonly keys: RepositoryKeys,
    private name: string | null,
    private readonly record: Omit<LockRecord, 'time'>,
    private readonly now: () => number,
  ) {}

  /** Aborted (with a LockLostError) when the lock could not be kept: stop the job. */
  get signal(): AbortSignal {
    return this.lost.signal;
  }

  /** False for a reader on read-only media that went on without a lock file. */
  get written(): boolean {
    return this.name !== null;
  }

  static async acquire(
    backend: RepositoryBackend,
    keys: RepositoryKeys,
    kind: LockRecord['kind'],
    purpose: string,
    options: LockOptions = {},
  ): Promise<RepositoryLock> {
    const now = options.now ?? Date.now;
    const record = { kind, purpose, host: hostname(), pid: process.pid };
    let name: string;
    try {
      name = await writeLock(backend, keys, record, now);
    } catch (err) {
      if (kind === 'shared' && options.allowReadOnlyMedium && isReadOnlyMediumError(err))
        return new RepositoryLock(backend, keys, null, record, now);
      throw err;
    }
    const lock = new RepositoryLock(backend, keys, name, record, now);
    // Write first, then look: two racing processes both see each other and at least one backs off.
    for (const other of await backend.list(LOCKS_PREFIX)) {
      if (other.name === name) continue;
      const held = await readLock(backend, keys, other.name);
      if (!held) continue;
      if (isStale(held, now())) {
        if (kind === 'exclusive') await backend.delete(other.name);
        continue;
      }
      if (kind === 'exclusive' || held.kind === 'exclusive') {
        await lock.release();
        throw new RepositoryLockedError(held);
      }
    }
    lock.timer = setInterval(() => void lock.refresh(), REFRESH_MS);
    lock.timer.unref();
    return lock;
  }

  /** Re-writes the lock with a new time; on failure aborts `signal` (never throws). */
  async refresh(): Promise<void> {
    if (this.released || this.name === null || this.lost.signal.aborted) return;
    try {
      // Someone ran `repo unlock --remove-all`, or a prune judged us stale: we no longer hold it.
      if (!(await this.backend.exists(this.name))) throw new Error('its lock file was removed');
      const fresh = await writeLock(this.backend, this.keys, this.record, this.now);
      const old = this.name;
      this.name = fresh;
      await this.backend.delete(old);
    } catch (err) {
      if (this.timer) clearInterval(this.timer);
      this.lost.abort(new LockLostError((err as Error).message));
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    if (this.name !== null) await this.backend.delete(this.name);
  }
}

async function writeLock(
  backend: RepositoryBackend,
  keys: RepositoryKeys,
  record: Omit<LockRecord, 'time'>,
  now: () => number,
): Promise<string> {
  const name = `${LOCKS_PREFIX}${randomBytes(12).toString('hex')}`;
  await backend.put(name, encodeLock(keys, { ...record, time: new Date(now()).toISOString() }));
  return name;
}

export async function readLock(backend: RepositoryBackend, keys: RepositoryKeys, name: string): Promise<LockRecord | null> {
  try {
    return decodeLock(keys, await backend.get(name));
  } catch (err) {
    // Removed meanwhile: not a lock to respect.
    if (err instanceof ObjectNotFoundError) return null;
    throw err;
  }
}
