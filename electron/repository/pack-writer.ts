import { openChunk, packObjectName } from './pack-format';
import { encodeIndex, type ChunkIndex, type PackRecord } from './chunk-index';
import { ChunkEncodePool, type ChunkEncodePoolOptions } from './chunk-encode-pool';
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
/**
 * Packs being written while the next buffer fills: each upload ends with an
 * fsync of the pack and its folder, and waiting for it left the main thread
 * idle. One was as fast as two in A/B runs of the import and holds one pack
 * less in memory (test/bench README, "Import pipeline").
 */
export const UPLOADS_IN_FLIGHT = 1;
/** Plain bytes of new chunks being sealed at once (bounds memory: each is held plain, copied and sealed). */
export const SEALING_BYTES = 4 * 1024 * 1024;

interface PendingBlob {
  id: string;
  rawLength: number;
  sealed: Buffer | undefined;
  /** Settles when `sealed` is set; rejects when sealing failed. */
  done: Promise<void>;
  /** Set while its pack is built in a worker (its sealed bytes moved there); settles when they are back. */
  packing?: Promise<unknown>;
}

/**
 * Collects sealed chunks into packs. Safe to call from several disk writers at
 * once: dedup checks and queue appends are synchronous. New chunks are sealed
 * (compressed, encrypted, checked) by a ChunkEncodePool, up to SEALING_BYTES at
 * once, and enter the pack buffer in the order they were added, so packs are
 * the same whichever thread sealed them. Up to UPLOADS_IN_FLIGHT packs are
 * written while the next buffer fills (callers wait when all are busy).
 */
export class PackWriter {
  /** New chunks in the order added, until sealed and moved into `pending`. */
  private sealing: PendingBlob[] = [];
  private sealingBytes = 0;
  private pending: PendingBlob[] = [];
  private pendingIds = new Map<string, PendingBlob>();
  private pendingBytes = 0;
  /** Pack uploads running, oldest first. */
  private uploads: Array<Promise<void>> = [];
  private unindexed: PackRecord[] = [];
  private encoderPool: ChunkEncodePool | undefined;
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
    private readonly encodeOptions: ChunkEncodePoolOptions = {},
  ) {}

  /**
   * Stores a chunk unless the repository (or this writer) already has it;
   * returns its id once the chunk is queued for sealing. `plain` is copied
   * or sealed before this returns: the caller may reuse its buffer.
   */
  async add(plain: Buffer): Promise<string> {
    const id = this.keys.chunkId(plain);
    if (this.index.has(id) || this.pendingIds.has(id)) {
      this.chunksDeduplicated++;
      return id;
    }
    const blob: PendingBlob = { id, rawLength: plain.length, sealed: undefined, done: Promise.resolve() };
    if (this.encoder.usesWorkers) {
      // seal() copies the bytes for the worker at once: the caller's buffer is free again when add() returns.
      blob.done = this.encoder.seal(id, plain).then((sealed) => {
        blob.sealed = sealed;
      });
      // Seen by moveSealed (in order), never an unhandled rejection.
      blob.done.catch(() => undefined);
    } else {
      // No worker: sealed now, so the chunk goes straight into the pack buffer.
      blob.sealed = this.encoder.sealHere(id, plain);
    }
    this.sealing.push(blob);
    this.sealingBytes += blob.rawLength;
    this.pendingIds.set(id, blob);
    this.chunksWritten++;
    await this.moveSealed(false);
    return id;
  }

  /** Plain bytes of a chunk not yet in a written pack, if this writer holds it. */
  async readPending(id: string): Promise<Buffer | undefined> {
    const blob = this.pendingIds.get(id);
    if (!blob) return undefined;
    await blob.done.catch(() => undefined);
    if (blob.packing) await blob.packing.catch(() => undefined);
    if (blob.sealed) return openChunk(this.keys, id, blob.sealed, 'pack buffer');
    // Its pack failed to build: the write fails at the next add or at flush; read what the repository has.
    return undefined;
  }

  /** Waits for the chunks being sealed and the pack being written, whatever their outcome (before a writer gives up its lock). */
  async settle(): Promise<void> {
    await Promise.all(this.sealing.map((b) => b.done.catch(() => undefined)));
    await Promise.allSettled(this.uploads);
    await this.encoderPool?.close();
  }

  /** Writes out every buffered chunk and an index object naming the new packs. */
  async flush(): Promise<void> {
    try {
      await this.moveSealed(true);
      await this.cutPack();
      while (this.uploads.length > 0) await this.uploads.shift();
      await this.writeIndex();
    } finally {
      await this.encoderPool?.close();
      this.encoderPool = undefined;
    }
  }

  private get encoder(): ChunkEncodePool {
    this.encoderPool ??= new ChunkEncodePool(this.keys.encryption, this.encodeOptions);
    return this.encoderPool;
  }

  /**
   * Moves sealed chunks, oldest first, into the pack buffer and cuts packs.
   * Waits for the oldest chunk while too many are being sealed (or, with
   * `all`, until every one is in). A chunk whose sealing failed throws here.
   */
  private async moveSealed(all: boolean): Promise<void> {
    while (this.sealing.length > 0) {
      const head = this.sealing[0]!;
      if (!head.sealed) {
        if (!all && this.sealingBytes <= SEALING_BYTES) return;
        await head.done;
        continue;
      }
      this.sealing.shift();
      this.sealingBytes -= head.rawLength;
      this.pending.push(head);
      this.pendingBytes += head.sealed.length;
      if (this.pendingBytes >= this.packTarget) await this.cutPack();
    }
  }

  /**
   * Starts writing the current buffer as a pack and returns while at most
   * UPLOADS_IN_FLIGHT packs are being written: the caller fills the next
   * buffer meanwhile instead of waiting for its own pack's fsync. A failed
   * upload is seen by a later cut or by flush (so commit fails and no
   * manifest names a missing pack).
   */
  private async cutPack(): Promise<void> {
    const blobs = this.pending;
    if (blobs.length > 0) {
      this.pending = [];
      this.pendingBytes = 0;
      const upload = this.upload(blobs);
      // Handled by whoever awaits it next (this method or flush), never an unhandled rejection.
      upload.catch(() => undefined);
      this.uploads.push(upload);
    }
    while (this.uploads.length > UPLOADS_IN_FLIGHT) await this.uploads.shift();
  }

  private async upload(blobs: PendingBlob[]): Promise<void> {
    // Built in the encode worker when there is one (concatenation and SHA-256 off this thread): the blobs' bytes
    // move there meanwhile, so readPending waits for `packing`.
    const building = this.encoder.assemble(blobs.map((b) => ({ id: b.id, sealed: b.sealed!, rawLength: b.rawLength })));
    for (const b of blobs) {
      b.packing = building;
      b.sealed = undefined;
    }
    const { packId, data, entries } = await building;
    // The sealed blobs now live in `data`: keep views of it for readPending, so each blob is held once.
    for (const [k, [, offset, length]] of entries.entries()) {
      blobs[k]!.sealed = data.subarray(offset, offset + length);
      blobs[k]!.packing = undefined;
    }
    await this.backend.put(packObjectName(packId), data);
    const record: PackRecord = { id: packId, size: data.length, blobs: entries };
    this.index.add(record);
    this.unindexed.push(record);
    this.bytesWritten += data.length;
    for (const b of blobs) this.pendingIds.delete(b.id);
    if (this.unindexed.length >= this.indexEveryPacks) await this.writeIndex();
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
