import { promises as fs } from 'node:fs';

interface Entry {
  handle: Promise<fs.FileHandle>;
  /** Reads running on the handle now; it is closed only when none are. */
  users: number;
  idleTimer: NodeJS.Timeout | undefined;
}

/**
 * Read-only file handles kept open between reads, least recently used first
 * out. Restore reads many chunks from each pack: opening and closing the pack
 * for every chunk cost ~6 % of a restore (three thread-pool trips instead of
 * one). Packs never change once written (a pack's name is the hash of its
 * bytes), so a cached handle cannot read stale data; deletions go through
 * `forget`, and a handle not used for `idleMs` is closed so a pack deleted by
 * another process does not keep its disk space.
 */
export class OpenFileCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxOpen: number,
    private readonly idleMs: number,
  ) {}

  /** Runs `fn` with an open handle of `path`; rejects like fs.open when the file cannot be opened. */
  async withHandle<T>(path: string, fn: (handle: fs.FileHandle) => Promise<T>): Promise<T> {
    let entry = this.entries.get(path);
    if (entry) {
      // Most recently used goes last.
      this.entries.delete(path);
      this.entries.set(path, entry);
    } else {
      const opened: Entry = { handle: fs.open(path, 'r'), users: 0, idleTimer: undefined };
      opened.handle.catch(() => {
        if (this.entries.get(path) === opened) this.entries.delete(path);
      });
      this.entries.set(path, opened);
      entry = opened;
    }
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    entry.users++;
    this.evictIdle();
    try {
      return await fn(await entry.handle);
    } finally {
      entry.users--;
      if (entry.users === 0) this.rest(path, entry);
    }
  }

  /** Closes the handle of `path` (now, or when its last read ends): call before deleting or replacing the file. */
  forget(path: string): void {
    const entry = this.entries.get(path);
    if (!entry) return;
    this.entries.delete(path);
    if (entry.users === 0) close(entry);
  }

  /** Closes every handle not in use (the others close when their reads end). */
  closeAll(): void {
    for (const path of [...this.entries.keys()]) this.forget(path);
  }

  /** How many handles are open or opening (for tests and the bench). */
  get size(): number {
    return this.entries.size;
  }

  private rest(path: string, entry: Entry): void {
    if (this.entries.get(path) !== entry) {
      close(entry);
      return;
    }
    entry.idleTimer = setTimeout(() => this.forget(path), this.idleMs);
    // An idle handle must not keep the process alive.
    entry.idleTimer.unref();
    this.evictIdle();
  }

  private evictIdle(): void {
    for (const [path, entry] of this.entries) {
      if (this.entries.size <= this.maxOpen) return;
      if (entry.users === 0) this.forget(path);
    }
  }
}

function close(entry: Entry): void {
  if (entry.idleTimer) clearTimeout(entry.idleTimer);
  entry.idleTimer = undefined;
  entry.handle.then((h) => h.close()).catch(() => undefined);
}
