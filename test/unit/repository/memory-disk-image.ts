import { assertAlignedRange, type DiskExtent, type DiskImage } from '../../../electron/disks/disk-image';

/** A DiskImage in memory for tests: bytes plus an explicit allocation map. */
export class MemoryDiskImage implements DiskImage {
  readonly readOnly = false;
  readonly bytes: Buffer;
  /** Sorted, non-overlapping allocated ranges. */
  allocated: Array<{ offset: number; length: number }> = [];

  constructor(readonly capacity: number) {
    this.bytes = Buffer.alloc(capacity);
  }

  /** Writes bytes and marks the range allocated. */
  async write(offset: number, data: Buffer): Promise<void> {
    assertAlignedRange(this.capacity, offset, data.length);
    data.copy(this.bytes, offset);
    this.allocated.push({ offset, length: data.length });
    this.allocated.sort((a, b) => a.offset - b.offset);
    const merged: Array<{ offset: number; length: number }> = [];
    for (const r of this.allocated) {
      const last = merged[merged.length - 1];
      if (last && r.offset <= last.offset + last.length) last.length = Math.max(last.length, r.offset + r.length - last.offset);
      else merged.push({ ...r });
    }
    this.allocated = merged;
  }

  async extents(offset = 0, length = this.capacity - offset): Promise<DiskExtent[]> {
    const end = offset + length;
    const out: DiskExtent[] = [];
    const push = (o: number, l: number, kind: DiskExtent['kind']): void => {
      if (l <= 0) return;
      const last = out[out.length - 1];
      if (last && last.kind === kind) last.length += l;
      else out.push({ offset: o, length: l, kind });
    };
    let pos = offset;
    for (const r of this.allocated) {
      const a = Math.max(r.offset, pos);
      const b = Math.min(r.offset + r.length, end);
      if (b <= a) continue;
      push(pos, a - pos, 'zero');
      push(a, b - a, 'data');
      pos = b;
    }
    push(pos, end - pos, 'zero');
    return out;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    assertAlignedRange(this.capacity, offset, length);
    return Buffer.from(this.bytes.subarray(offset, offset + length));
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Deterministic pseudo-random bytes (xorshift), so tests are repeatable. */
export function patternBytes(length: number, seed: number): Buffer {
  const buf = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf.writeUInt32LE(x >>> 0, i);
  }
  return buf;
}
