import { appendExtent, assertAlignedRange, type DiskExtent, type DiskImage } from '../disks/disk-image';
import { RepositoryCorruptError } from './repository-errors';
import type { PointDisk } from './restore-point-manifest';

/** Part of one stored chunk a read needs: disk bytes [from, to) of the chunk starting at slotStart. */
interface ChunkSlot {
  id: string;
  slotStart: number;
  from: number;
  to: number;
}

/**
 * A disk of a restore point as a read-only DiskImage, so restore treats it like
 * any other source. Zero and unallocated runs, and data slots whose content is
 * all zeros, report `zero` (thin stays thin); the block map itself keeps the
 * difference for thick restores.
 */
export class PointDiskImage implements DiskImage {
  readonly readOnly = true;
  readonly capacity: number;

  constructor(
    readonly disk: PointDisk,
    private readonly chunkSize: number,
    private readonly readChunk: (id: string) => Promise<Buffer>,
  ) {
    this.capacity = disk.capacity;
  }

  async extents(offset = 0, length = this.capacity - offset): Promise<DiskExtent[]> {
    assertAlignedRange(this.capacity, offset, length);
    const out: DiskExtent[] = [];
    for (const part of this.parts(offset, length)) appendExtent(out, part.from, part.to - part.from, part.id ? 'data' : 'zero');
    return out;
  }

  /** The chunk size: a request of one whole chunk is served as a view of it, without assembling. */
  get naturalIoBytes(): number {
    return this.chunkSize;
  }

  /**
   * A request inside one chunk is answered with a view of that chunk (no
   * allocation, no copy: the DiskImage contract says a read's buffer is not
   * changed by its caller, and chunks may be shared through the cache).
   * Wider requests are assembled; only their gaps are zero-filled.
   */
  async read(offset: number, length: number): Promise<Buffer> {
    assertAlignedRange(this.capacity, offset, length);
    const slots = this.slotsIn(offset, length);
    const only = slots.length === 1 ? slots[0] : undefined;
    if (only && only.from === offset && only.to === offset + length) {
      const chunk = await this.chunkFor(only);
      return chunk.subarray(only.from - only.slotStart, only.to - only.slotStart);
    }
    const out = Buffer.allocUnsafe(length);
    let zeroFrom = offset;
    for (const slot of slots) {
      out.fill(0, zeroFrom - offset, slot.from - offset);
      zeroFrom = slot.to;
    }
    out.fill(0, zeroFrom - offset, length);
    await Promise.all(
      slots.map(async (slot) => {
        const chunk = await this.chunkFor(slot);
        chunk.copy(out, slot.from - offset, slot.from - slot.slotStart, slot.to - slot.slotStart);
      }),
    );
    return out;
  }

  /** The stored chunks [offset, offset+length) needs, in disk order, each with the part of it that is needed. */
  private slotsIn(offset: number, length: number): ChunkSlot[] {
    const slots: ChunkSlot[] = [];
    for (const part of this.parts(offset, length)) if (part.id) slots.push({ ...part, id: part.id });
    return slots.sort((a, b) => a.from - b.from);
  }

  /**
   * The block map over [offset, offset+length), in map order: each data run cut at chunk slots (id null
   * where the slot holds no chunk: all zeros), each zero or unallocated run whole (id null).
   */
  private *parts(offset: number, length: number): Generator<{ id: string | null; slotStart: number; from: number; to: number }> {
    const end = offset + length;
    for (const run of this.disk.blockMap) {
      const from = Math.max(run.offset, offset);
      const to = Math.min(run.offset + run.length, end);
      if (to <= from) continue;
      if (run.kind !== 'data') {
        yield { id: null, slotStart: from, from, to };
        continue;
      }
      const first = Math.floor(run.offset / this.chunkSize);
      for (let pos = from; pos < to;) {
        const slot = Math.floor(pos / this.chunkSize);
        const slotStart = slot * this.chunkSize;
        const stop = Math.min(to, slotStart + this.chunkSize);
        yield { id: run.chunks[slot - first] ?? null, slotStart, from: pos, to: stop };
        pos = stop;
      }
    }
  }

  private async chunkFor(slot: ChunkSlot): Promise<Buffer> {
    const chunk = await this.readChunk(slot.id);
    if (chunk.length < slot.to - slot.slotStart) {
      throw new RepositoryCorruptError(
        `chunk ${slot.id.slice(0, 16)}`,
        `holds ${chunk.length} bytes, disk ${this.disk.key} needs ${slot.to - slot.slotStart} there`,
      );
    }
    return chunk;
  }

  async write(): Promise<void> {
    throw new Error('a restore point disk is read-only');
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
