import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeFileAtomic } from '../config/json-file';
import { OpenFileCache } from './open-file-cache';
import { assertObjectName, ObjectNotFoundError, type RepositoryBackend, type StoredObject } from './repository-backend';
import { isOwnTemporary, TEMP_FOLDERS, tempNameFor } from './repository-temp-names';

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Every file below `dir` (none when it does not exist); `deep` false stays in `dir` itself. */
async function* filesUnder(dir: string, deep = true): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (deep) yield* filesUnder(full);
    } else if (entry.isFile()) yield full;
  }
}

/** Handles kept open: restore reads ahead over a few packs at a time. */
const OPEN_PACKS = 8;
/** An idle handle is closed after this long. */
const IDLE_HANDLE_MS = 2000;

/** A repository in a local (or mounted) folder. */
export class LocalFolderBackend implements RepositoryBackend {
  /** Pack handles reused across chunk reads (a restore reads hundreds of chunks per pack). */
  private readonly files = new OpenFileCache(OPEN_PACKS, IDLE_HANDLE_MS);

  constructor(readonly root: string) {}

  get location(): string {
    return this.root;
  }

  private path(name: string): string {
    assertObjectName(name);
    return join(this.root, ...name.split('/'));
  }

  async put(name: string, data: Buffer): Promise<void> {
    const target = this.path(name);
    this.files.forget(target);
    // Crash safety: a reader (or the next run after a crash) never sees a partial object.
    await writeFileAtomic(target, data, { tempPath: (file) => tempNameFor(file, randomBytes(6).toString('hex')) });
  }

  async get(name: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.path(name));
    } catch (err) {
      if (isMissing(err)) throw new ObjectNotFoundError(this.root, name);
      throw err;
    }
  }

  async getRange(name: string, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    if (into && into.length < length) throw new RangeError(`a ${into.length}-byte buffer cannot take ${length} bytes`);
    try {
      return await this.files.withHandle(this.path(name), async (handle) => {
        // Every byte is overwritten by the read, or cut off below.
        const buf = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(buf, done, length - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done === length ? buf : buf.subarray(0, done);
      });
    } catch (err) {
      if (isMissing(err)) throw new ObjectNotFoundError(this.root, name);
      throw err;
    }
  }

  /** Closes the pack handles kept open for reads (they also close on their own when idle). */
  closeHandles(): void {
    this.files.closeAll();
  }

  async size(name: string): Promise<number | null> {
    try {
      return (await fs.stat(this.path(name))).size;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async exists(name: string): Promise<boolean> {
    return (await this.size(name)) !== null;
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    // Walk only the top folder the prefix names (packs/, index/, points/).
    const top = prefix.split('/')[0] ?? '';
    for await (const full of filesUnder(top && prefix.includes('/') ? join(this.root, top) : this.root)) {
      const name = this.relativeName(full);
      if (isOwnTemporary(name)) continue;
      if (name.startsWith(prefix)) out.push({ name, size: (await fs.stat(full)).size });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async delete(name: string): Promise<void> {
    this.files.forget(this.path(name));
    await fs.rm(this.path(name), { force: true });
  }

  private relativeName(full: string): string {
    return relative(this.root, full).split(sep).join('/');
  }

  /**
   * Removes temp files a crash left behind; returns their paths. Only the
   * repository's own temp names in its own folders (never a user's file), and
   * only files older than `minAgeMs`: a younger one may belong to a write still running.
   * Called by writers that hold a lock, never by open or a read.
   */
  async removeTemporaries(minAgeMs = 0): Promise<string[]> {
    const cutoff = Date.now() - minAgeMs;
    const removed: string[] = [];
    for (const folder of TEMP_FOLDERS) {
      const dir = join(this.root, ...folder.split('/').filter(Boolean));
      for await (const full of filesUnder(dir, folder === 'packs')) {
        if (!isOwnTemporary(this.relativeName(full))) continue;
        const mtime = await fs
          .stat(full)
          .then((st) => st.mtimeMs)
          .catch(() => Infinity);
        if (mtime > cutoff) continue;
        await fs.rm(full, { force: true });
        removed.push(full);
      }
    }
    return removed;
  }
}
