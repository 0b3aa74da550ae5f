import { SECTOR_SIZE } from '../disks/disk-image';
import { RunMap } from './run-map';
import type { BlockRun, DiskMeta, PointDisk, RestorePointManifest } from './restore-point-manifest';

/** What a disk writer needs from the repository: store and read chunks, look up parent points. */
export interface ChunkStore {
  add(plain: Buffer): Promise<string>;
  read(id: string): Promise<Buffer>;
  loadPoint(id: string): Promise<RestorePointManifest>;
}

/** Partially written chunk slots kept in memory before they are stored (bounds memory per disk). */
const MAX_OPEN_SLOTS = 4;
const HEAD_BYTES = 2 * SECTOR_SIZE;

function assertSectorAligned(offset: number, length: number): void {
  if (offset % SECTOR_SIZE !== 0 || length % SECTOR_SIZE !== 0) {
    throw new RangeError(
      `restore point writes must be aligned to ${SECTOR_SIZE}-byte sectors (offset ${offset}, length ${length})`,
    );
  }
}

/**
 * Builds one disk's complete block map. Chunks are fixed-size slots aligned to
 * disk offsets; a write that covers a whole slot is stored at once, a partial
 * one is merged with the slot's earlier content (new writes, or the chunk
 * inherited from the parent point). Operations on one disk run one at a time;
 * several disks may be written at once.
 */
export class DiskWriter {
  private readonly runs: RunMap;
  /** Stored content per slot: chunk id, or null for all zeros. */
  private readonly slots = new Map<number, string | null>();
  /** Slots being assembled from partial writes (insertion order = age). */
  private readonly open = new Map<number, Buffer>();
  private readonly head = Buffer.alloc(HEAD_BYTES);
  private readonly zeros: Buffer;
  private queue: Promise<unknown> = Promise.resolve();
  private finished = false;

  constructor(
    readonly meta: DiskMeta,
    private readonly chunkSize: number,
    private readonly store: ChunkStore,
  ) {
    this.runs = new RunMap(meta.capacity);
    this.zeros = Buffer.alloc(chunkSize);
  }

  /** Stores allocated data at `offset`. */
  writeRange(offset: number, data: Buffer): Promise<void> {
    return this.serial(async () => {
      assertSectorAligned(offset, data.length);
      this.runs.set(offset, data.length, 'data');
      this.overlayHead(offset, data);
      await this.forEachSlot(offset, data.length, async (slot, slotStart, from, to) => {
        const piece = data.subarray(from - offset, to - offset);
        if (from === slotStart && to === slotStart + this.slotLength(slot)) {
          this.open.delete(slot);
          this.slots.set(slot, await this.storeSlot(piece));
        } else {
          const buf = await this.openSlot(slot);
          piece.copy(buf, from - slotStart);
          await this.evictOpenSlots();
        }
      });
    });
  }

  /** Records an allocated area that reads as zeros (stores nothing). */
  markZero(offset: number, length: number): Promise<void> {
    return this.mark(offset, length, 'zero');
  }

  /** Records a hole: nothing allocated there on the source. */
  markUnallocated(offset: number, length: number): Promise<void> {
    return this.mark(offset, length, 'unallocated');
  }

  /**
   * Takes [offset, offset+length) from a previous point of the same disk: its
   * runs and chunk references, no data copied. This is how an incremental
   * stays a complete map.
   */
  inheritRange(fromPointId: string, diskKey: number, offset: number, length: number): Promise<void> {
    return this.serial(async () => {
      assertSectorAligned(offset, length);
      const parent = await this.store.loadPoint(fromPointId);
      const disk = parent.disks.find((d) => d.key === diskKey);
      if (!disk) throw new Error(`restore point ${fromPointId} has no disk with key ${diskKey}`);
      if (parent.chunkSize !== this.chunkSize) throw new Error(`restore point ${fromPointId} uses another chunk size`);
      const end = offset + length;
      if (end > disk.capacity)
        throw new RangeError(`range ${offset}+${length} is outside disk ${diskKey} of point ${fromPointId}`);
      const parentHead = Buffer.concat([Buffer.from(disk.sector0, 'base64'), Buffer.from(disk.gptHeader, 'base64')]);
      if (offset < HEAD_BYTES) this.overlayHead(offset, parentHead.subarray(offset, Math.min(end, HEAD_BYTES)));
      for (const run of disk.blockMap) {
        const from = Math.max(run.offset, offset);
        const to = Math.min(run.offset + run.length, end);
        if (to <= from) continue;
        this.runs.set(from, to - from, run.kind);
        if (run.kind !== 'data') continue;
        const firstSlot = Math.floor(run.offset / this.chunkSize);
        await this.forEachSlot(from, to - from, async (slot, slotStart, a, b) => {
          const parentChunk = run.chunks[slot - firstSlot];
          if (parentChunk === undefined)
            throw new Error(`restore point ${fromPointId} disk ${diskKey}: block map lacks slot ${slot}`);
          if (a === slotStart && b === slotStart + this.slotLength(slot)) {
            this.open.delete(slot);
            this.slots.set(slot, parentChunk);
          } else if (!this.open.has(slot) && (!this.slots.has(slot) || this.slots.get(slot) === parentChunk)) {
            this.slots.set(slot, parentChunk);
          } else {
            const buf = await this.openSlot(slot);
            const source = parentChunk ? await this.store.read(parentChunk) : this.zeros;
            source.copy(buf, a - slotStart, a - slotStart, b - slotStart);
            await this.evictOpenSlots();
          }
        });
      }
    });
  }

  /** Stores what is still open and returns the disk's manifest entry. */
  finish(): Promise<PointDisk> {
    return this.serial(async () => {
      for (const slot of [...this.open.keys()]) await this.closeSlot(slot);
      this.finished = true;
      const blockMap: BlockRun[] = [];
      let allocatedBytes = 0;
      for (const run of this.runs.all()) {
        if (run.kind !== 'data') {
          blockMap.push({ offset: run.offset, length: run.length, kind: run.kind });
          continue;
        }
        allocatedBytes += run.length;
        const first = Math.floor(run.offset / this.chunkSize);
        const last = Math.floor((run.offset + run.length - 1) / this.chunkSize);
        const chunks: Array<string | null> = [];
        for (let slot = first; slot <= last; slot++) {
          const id = this.slots.get(slot);
          if (id === undefined) throw new Error(`disk ${this.meta.key}: slot ${slot} is marked allocated but was never written`);
          chunks.push(id);
        }
        blockMap.push({ offset: run.offset, length: run.length, kind: 'data', chunks });
      }
      return {
        ...this.meta,
        sector0: this.head.subarray(0, SECTOR_SIZE).toString('base64'),
        gptHeader: this.head.subarray(SECTOR_SIZE, HEAD_BYTES).toString('base64'),
        blockMap,
        allocatedBytes,
      };
    });
  }

  private mark(offset: number, length: number, kind: 'zero' | 'unallocated'): Promise<void> {
    return this.serial(async () => {
      assertSectorAligned(offset, length);
      this.runs.set(offset, length, kind);
      if (offset < HEAD_BYTES) this.head.fill(0, offset, Math.min(offset + length, HEAD_BYTES));
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.finished) return Promise.reject(new Error(`disk ${this.meta.key} is already finished`));
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private slotLength(slot: number): number {
    return Math.min(this.chunkSize, this.meta.capacity - slot * this.chunkSize);
  }

  private async forEachSlot(
    offset: number,
    length: number,
    fn: (slot: number, slotStart: number, from: number, to: number) => Promise<void>,
  ): Promise<void> {
    const end = offset + length;
    let pos = offset;
    while (pos < end) {
      const slot = Math.floor(pos / this.chunkSize);
      const slotStart = slot * this.chunkSize;
      const to = Math.min(end, slotStart + this.chunkSize);
      await fn(slot, slotStart, pos, to);
      pos = to;
    }
  }

  private overlayHead(offset: number, data: Buffer): void {
    if (offset >= HEAD_BYTES) return;
    data.copy(this.head, offset, 0, Math.min(data.length, HEAD_BYTES - offset));
  }

  private async storeSlot(plain: Buffer): Promise<string | null> {
    // All-zero chunks are never stored: the map records them as null.
    if (plain.equals(this.zeros.subarray(0, plain.length))) return null;
    return this.store.add(plain);
  }

  private async openSlot(slot: number): Promise<Buffer> {
    const existing = this.open.get(slot);
    if (existing) return existing;
    const buf = Buffer.alloc(this.slotLength(slot));
    const stored = this.slots.get(slot);
    if (stored) (await this.store.read(stored)).copy(buf);
    this.open.set(slot, buf);
    return buf;
  }

  private async closeSlot(slot: number): Promise<void> {
    const buf = this.open.get(slot);
    if (!buf) return;
    this.open.delete(slot);
    this.slots.set(slot, await this.storeSlot(buf));
  }

  private async evictOpenSlots(): Promise<void> {
    while (this.open.size > MAX_OPEN_SLOTS) {
      const oldest = this.open.keys().next().value as number;
      await this.closeSlot(oldest);
    }
  }
}
