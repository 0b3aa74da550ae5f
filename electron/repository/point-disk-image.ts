import { assertAlignedRange, type DiskExtent, type DiskImage } from '../disks/disk-image';
import { RepositoryCorruptError } from './repository-errors';
import type { PointDisk } from './restore-point-manifest';

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
    const end = offset + length;
    const out: DiskExtent[] = [];
    const push = (o: number, l: number, kind: DiskExtent['kind']): void => {
      if (l <= 0) return;
      const last = out[out.length - 1];
      if (last && last.kind === kind && last.offset + last.length === o) last.length += l;
      else out.push({ offset: o, length: l, kind });
    };
    for (const run of this.disk.blockMap) {
      const from = Math.max(run.offset, offset);
      const to = Math.min(run.offset + run.length, end);
      if (to <= from) continue;
      if (run.kind !== 'data') {
        push(from, to - from, 'zero');
        continue;
      }
      const first = Math.floor(run.offset / this.chunkSize);
      for (let pos = from; pos < to;) {
        const slot = Math.floor(pos / this.chunkSize);
        const stop = Math.min(to, (slot + 1) * this.chunkSize);
        push(pos, stop - pos, run.chunks[slot - first] ? 'data' : 'zero');
        pos = stop;
      }
    }
    return out;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    assertAlignedRange(this.capacity, offset, length);
    const out = Buffer.alloc(length);
    const end = offset + length;
    const copies: Array<Promise<void>> = [];
    for (const run of this.disk.blockMap) {
      if (run.kind !== 'data') continue;
      const from = Math.max(run.offset, offset);
      const to = Math.min(run.offset + run.length, end);
      if (to <= from) continue;
      const first = Math.floor(run.offset / this.chunkSize);
      for (let pos = from; pos < to;) {
        const slot = Math.floor(pos / this.chunkSize);
        const slotStart = slot * this.chunkSize;
        const stop = Math.min(to, slotStart + this.chunkSize);
        const id = run.chunks[slot - first];
        const at = pos;
        if (id) {
          copies.push(
            this.readChunk(id).then((chunk) => {
              if (chunk.length < stop - slotStart) {
                throw new RepositoryCorruptError(
                  `chunk ${id.slice(0, 16)}`,
                  `holds ${chunk.length} bytes, disk ${this.disk.key} needs ${stop - slotStart} there`,
                );
              }
              chunk.copy(out, at - offset, at - slotStart, stop - slotStart);
            }),
          );
        }
        pos = stop;
      }
    }
    await Promise.all(copies);
    return out;
  }

  async write(): Promise<void> {
    throw new Error('a restore point disk is read-only');
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
