import { randomBytes } from 'node:crypto';
import { DiskWriter, type ChunkStore } from './disk-writer';
import { PackWriter } from './pack-writer';
import {
  diskMetaSchema,
  MANIFEST_VERSION,
  pointMetaSchema,
  type DiskMeta,
  type PointMeta,
  type RestorePointManifest,
} from './restore-point-manifest';
import { encodeManifest, pointObjectName } from './point-store';
import { RepositoryLock } from './repository-lock';
import type { RepositoryBackend } from './repository-backend';
import type { RepositoryKeys } from './repository-keys';

export interface PointWriterContext {
  backend: RepositoryBackend;
  keys: RepositoryKeys;
  chunkSize: number;
  packs: PackWriter;
  readChunk(id: string): Promise<Buffer>;
  loadPoint(id: string): Promise<RestorePointManifest>;
  /** Crash leftovers go once this writer holds its lock (never at open: reads must not write). */
  removeStaleTemporaries(): Promise<string[]>;
}

export interface CommitResult {
  manifest: RestorePointManifest;
  /** Bytes this point added to the repository (packs, index, manifest). */
  bytesAdded: number;
  chunksWritten: number;
  chunksDeduplicated: number;
}

/**
 * Writes one restore point: disks (possibly at once), NVRAM, then `commit()`
 * stores packs and index first and the manifest last, so a point either
 * exists completely or not at all.
 */
export class PointWriter {
  readonly id = randomBytes(8).toString('hex');
  private readonly disks: DiskWriter[] = [];
  private nvram: RestorePointManifest['nvram'] = null;
  private state: 'open' | 'committing' | 'done' = 'open';
  private readonly store: ChunkStore;
  /** Shared lock: keeps prune from deleting this point's packs before they are indexed. */
  private readonly lock: Promise<RepositoryLock>;

  constructor(
    private readonly ctx: PointWriterContext,
    private readonly meta: PointMeta,
  ) {
    pointMetaSchema.parse(meta);
    this.lock = RepositoryLock.acquire(
      ctx.backend,
      ctx.keys,
      'shared',
      `backup of ${meta.vm.name} (restore point ${this.id})`,
    ).then(async (lock) => {
      try {
        await ctx.removeStaleTemporaries();
      } catch (err) {
        // A writer that cannot start must not leave its lock behind.
        await lock.release();
        throw err;
      }
      return lock;
    });
    // Handled here so a refused lock is not an unhandled rejection; callers see it on ready/add/commit.
    this.lock.catch(() => undefined);
    this.store = {
      add: async (plain) => {
        (await this.lock).signal.throwIfAborted();
        return ctx.packs.add(plain);
      },
      read: async (id) => (await ctx.packs.readPending(id)) ?? ctx.readChunk(id),
      loadPoint: (id) => ctx.loadPoint(id),
    };
  }

  /**
   * Waits for the repository lock: a job calls this before it reads anything,
   * so a repository in use fails the job at once, not after reading a whole VM.
   * Returns the lock's signal, aborted if the lock is lost later (stop the job then).
   */
  async ready(): Promise<AbortSignal> {
    return (await this.lock).signal;
  }

  addDisk(meta: DiskMeta): DiskWriter {
    this.assertOpen();
    const parsed = diskMetaSchema.parse(meta);
    if (this.disks.some((d) => d.meta.key === parsed.key))
      throw new Error(`disk ${parsed.key} was already added to this restore point`);
    const writer = new DiskWriter(parsed, this.ctx.chunkSize, this.store);
    this.disks.push(writer);
    return writer;
  }

  /** Saves the VM's NVRAM file (BACKUP-SAVE-CONFIG, VTPM-RESTORE). */
  async setNvram(fileName: string, data: Buffer): Promise<void> {
    this.assertOpen();
    const chunks: Array<string | null> = [];
    for (let pos = 0; pos < data.length; pos += this.ctx.chunkSize) {
      chunks.push(await this.store.add(data.subarray(pos, pos + this.ctx.chunkSize)));
    }
    this.nvram = { fileName, size: data.length, chunks };
  }

  async commit(): Promise<CommitResult> {
    this.assertOpen();
    this.state = 'committing';
    const lock = await this.lock;
    try {
      return await this.commitLocked();
    } finally {
      await lock.release();
    }
  }

  /** Gives up the point: nothing is committed; packs already written go at the next prune. */
  async abort(): Promise<void> {
    this.state = 'done';
    // A pack still being written must be finished (or failed) before prune may run.
    await this.ctx.packs.settle();
    const lock = await this.lock.catch(() => null);
    await lock?.release();
  }

  private async commitLocked(): Promise<CommitResult> {
    const lock = await this.lock;
    lock.signal.throwIfAborted();
    const disks = await Promise.all(this.disks.map((d) => d.finish()));
    await this.ctx.packs.flush();
    // A lost lock means a prune may have run: do not publish a point whose packs may be gone.
    lock.signal.throwIfAborted();
    const manifest: RestorePointManifest = {
      format: 'lifeboat-restore-point',
      version: MANIFEST_VERSION,
      id: this.id,
      createdAt: new Date().toISOString(),
      chunkSize: this.ctx.chunkSize,
      ...this.meta,
      nvram: this.nvram,
      disks,
    };
    const data = encodeManifest(this.ctx.keys, manifest);
    await this.ctx.backend.put(pointObjectName(this.id), data);
    this.state = 'done';
    return {
      manifest,
      bytesAdded: this.ctx.packs.bytesWritten + data.length,
      chunksWritten: this.ctx.packs.chunksWritten,
      chunksDeduplicated: this.ctx.packs.chunksDeduplicated,
    };
  }

  private assertOpen(): void {
    if (this.state !== 'open')
      throw new Error(`restore point ${this.id} is already ${this.state === 'done' ? 'committed' : 'being committed'}`);
  }
}
