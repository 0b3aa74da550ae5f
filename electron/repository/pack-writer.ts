import { assemblePack, openChunk, packObjectName, sealChunkChecked } from './pack-format';
import { encodeIndex, type ChunkIndex, type PackRecord } from './chunk-index';
import type { RepositoryBackend } from './repository-backend';
import type { RepositoryKeys } from './repository-keys';

/** Packs are cut at about 16 MiB: few objects per GiB, bounded memory while writing. */
export const DEFAULT_PACK_TARGET = 16 * 1024 * 1024;
/**
 * A long backup writes an index object every this many packs (about 256 MiB),
 * not only at commit: after a crash its packs are indexed, so the next backup
 * reuses them instead of leaving them for prune.
 */
export const DEFAULT_INDEX_EVERY_PACKS = 16;

interface PendingBlob {
  id: string;
  sealed: Buffer;
  rawLength: number;
}

/**
 * Collects sealed chunks into packs. Safe to call from several disk writers at
 * once: dedup checks and buffer appends are synchronous, and at most one pack
 * upload runs while the next buffer fills (callers wait when both are full).
 */
export class PackWriter {
  private pending: PendingBlob[] = [];
  private pendingIds = new Map<string, PendingBlob>();
  private pendingBytes = 0;
  private uploading: Promise<void> = Promise.resolve();
  private unindexed: PackRecord[] = [];
  /** Bytes written to packs by this writer (what a point added to the repository). */
  bytesWritten = 0;
  chunksWritten = 0;
  chunksDeduplicated = 0;

  constructor(
    private readonly backend: RepositoryBackend,
    private readonly keys: RepositoryKeys,
    private readonly index: ChunkIndex,
    private readonly packTarget = DEFAULT_PACK_TARGET,
    private readonly indexEveryPacks = DEFAULT_INDEX_EVERY_PACKS,
  ) {}

  /** Stores a chunk unless the repository (or this writer) already has it; returns its id. */
  async add(plain: Buffer): Promise<string> {
    const id = this.keys.chunkId(plain);
    if (this.index.has(id) || this.pendingIds.has(id)) {
      this.chunksDeduplicated++;
      return id;
    }
    const blob: PendingBlob = { id, sealed: sealChunkChecked(this.keys, id, plain), rawLength: plain.length };
    this.pending.push(blob);
    this.pendingIds.set(id, blob);
    this.pendingBytes += blob.sealed.length;
    this.chunksWritten++;
    if (this.pendingBytes >= this.packTarget) await this.cutPack();
    return id;
  }

  /** Plain bytes of a chunk still waiting in the buffer, if it is there. */
  readPending(id: string): Buffer | undefined {
    const blob = this.pendingIds.get(id);
    return blob ? openChunk(this.keys, id, blob.sealed, 'pack buffer') : undefined;
  }

  /** Hands the current buffer to the uploader; waits while an earlier upload still runs. */
  private async cutPack(): Promise<void> {
    const blobs = this.pending;
    if (blobs.length === 0) return this.uploading;
    this.pending = [];
    this.pendingBytes = 0;
    const previous = this.uploading;
    const upload = previous.then(async () => {
      const { packId, data, entries } = assemblePack(this.keys, blobs);
      await this.backend.put(packObjectName(packId), data);
      const record: PackRecord = { id: packId, size: data.length, blobs: entries };
      this.index.add(record);
      this.unindexed.push(record);
      this.bytesWritten += data.length;
      for (const b of blobs) this.pendingIds.delete(b.id);
      if (this.unindexed.length >= this.indexEveryPacks) await this.writeIndex();
    });
    this.uploading = upload;
    await upload;
  }

  /** Writes out every buffered chunk and an index object naming the new packs. */
  async flush(): Promise<void> {
    await this.cutPack();
    await this.uploading;
    await this.writeIndex();
  }

  /** One index object naming the packs written since the last one (packs are on disk first). */
  private async writeIndex(): Promise<void> {
    if (this.unindexed.length === 0) return;
    const packs = this.unindexed;
    this.unindexed = [];
    const { name, data } = encodeIndex(this.keys, packs);
    await this.backend.put(name, data);
    this.index.indexObjects.set(
      name,
      packs.map((p) => p.id),
    );
    this.bytesWritten += data.length;
  }
}
