import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { LifeboatError } from '../errors/lifeboat-error';
import type { RepositoryBackend } from './repository-backend';

/**
 * Locks keep prune away from a running backup: prune deletes packs no index
 * names yet, which is exactly what a backup in progress has written. Backups
 * take shared locks, prune an exclusive one. A lock is an object
 * `locks/<random>`; the holder re-writes it every few minutes, and one not
 * refreshed for STALE_MS is ignored (its process died).
 */
export const LOCKS_PREFIX = 'locks/';
const REFRESH_MS = 5 * 60 * 1000;
export const STALE_MS = 30 * 60 * 1000;

const lockSchema = z.object({
  kind: z.enum(['shared', 'exclusive']),
  purpose: z.string(),
  host: z.string(),
  pid: z.number(),
  time: z.string(),
});
type LockRecord = z.infer<typeof lockSchema>;

export class RepositoryLockedError extends LifeboatError {
  constructor(readonly holder: LockRecord) {
    super(`the repository is in use: ${holder.purpose} on ${holder.host} (pid ${holder.pid}) since ${holder.time}`, {
      code: 'repository-locked',
      hint: 'Wait until the other job finishes and try again; a lock its holder stopped refreshing is ignored after 30 minutes.',
    });
    this.name = 'RepositoryLockedError';
  }
}

export class RepositoryLock {
  private timer: NodeJS.Timeout | undefined;
  private released = false;

  private constructor(
    private readonly backend: RepositoryBackend,
    private name: string,
    private readonly record: Omit<LockRecord, 'time'>,
  ) {}

  static async acquire(
    backend: RepositoryBackend,
    kind: LockRecord['kind'],
    purpose: string,
    now: () => number = Date.now,
  ): Promise<RepositoryLock> {
    const record = { kind, purpose, host: hostname(), pid: process.pid };
    const name = await writeLock(backend, record, now);
    const lock = new RepositoryLock(backend, name, record);
    // Write first, then look: two racing processes both see each other and at least one backs off.
    for (const other of await backend.list(LOCKS_PREFIX)) {
      if (other.name === name) continue;
      const held = await readLock(backend, other.name);
      if (!held) continue;
      if (now() - Date.parse(held.time) > STALE_MS) {
        if (kind === 'exclusive') await backend.delete(other.name);
        continue;
      }
      if (kind === 'exclusive' || held.kind === 'exclusive') {
        await lock.release();
        throw new RepositoryLockedError(held);
      }
    }
    lock.timer = setInterval(() => void lock.refresh(now).catch(() => undefined), REFRESH_MS);
    lock.timer.unref();
    return lock;
  }

  private async refresh(now: () => number): Promise<void> {
    if (this.released) return;
    const fresh = await writeLock(this.backend, this.record, now);
    const old = this.name;
    this.name = fresh;
    await this.backend.delete(old);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    await this.backend.delete(this.name);
  }
}

async function writeLock(backend: RepositoryBackend, record: Omit<LockRecord, 'time'>, now: () => number): Promise<string> {
  const name = `${LOCKS_PREFIX}${randomBytes(12).toString('hex')}`;
  await backend.put(name, Buffer.from(JSON.stringify({ ...record, time: new Date(now()).toISOString() }), 'utf8'));
  return name;
}

async function readLock(backend: RepositoryBackend, name: string): Promise<LockRecord | null> {
  try {
    const parsed = lockSchema.safeParse(JSON.parse((await backend.get(name)).toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    // Removed meanwhile, or half-visible: not a lock to respect.
    return null;
  }
}
