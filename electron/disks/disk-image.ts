/**
 * One interface for every place disk bytes live: a VDDK disk, a local image
 * file (raw, VMDK flat / sparse / streamOptimized) or a disk in a restore point.
 * Offsets and lengths are bytes (numbers are exact up to 8 PiB).
 */

export const SECTOR_SIZE = 512;

/** A run of the disk: `data` is allocated (may still hold zeros), `zero` reads as zeros and holds no storage. */
export interface DiskExtent {
  offset: number;
  length: number;
  kind: 'data' | 'zero';
}

export interface DiskImage {
  /** Size of the virtual disk in bytes (a multiple of 512). */
  readonly capacity: number;
  /** True when the image was opened read-only; write() then throws. */
  readonly readOnly: boolean;
  /**
   * The allocation map of [offset, offset+length) (default: whole disk), sorted,
   * contiguous, covering the range exactly. Formats that cannot tell report `data`.
   */
  extents(offset?: number, length?: number): Promise<DiskExtent[]>;
  /**
   * Reads `length` bytes at `offset` (both multiples of 512); unallocated areas read as zeros.
   * The buffer is the caller's to read, not to change: an image may hand out a view of
   * data it keeps (a restore point's cached chunk).
   */
  read(offset: number, length: number): Promise<Buffer>;
  /** A request size the image serves without assembling or copying (a restore point's chunk size); copies may use it. */
  readonly naturalIoBytes?: number;
  /**
   * Optional: read() into the caller's buffer (`buf.length` bytes at `offset`), for
   * callers that reuse a few buffers instead of leaving one per read to the GC.
   */
  readInto?(buf: Buffer, offset: number): Promise<void>;
  /** Writes `data` at `offset` (both multiples of 512). */
  write(offset: number, data: Buffer): Promise<void>;
  /** Makes written data durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Error for malformed image input: names the byte offset and the problem. */
export class DiskFormatError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${file}: at byte ${offset}: ${problem}`);
    this.name = 'DiskFormatError';
  }
}

/** Checks that an I/O range is sector aligned and inside the disk. */
export function assertAlignedRange(capacity: number, offset: number, length: number): void {
  if (offset % SECTOR_SIZE !== 0 || length % SECTOR_SIZE !== 0) {
    throw new RangeError(`I/O must be aligned to ${SECTOR_SIZE}-byte sectors (offset ${offset}, length ${length})`);
  }
  if (offset < 0 || length < 0 || offset + length > capacity) {
    throw new RangeError(`I/O range ${offset}+${length} is outside the disk (capacity ${capacity})`);
  }
}

/** Appends an extent to a sorted list, merging it into the previous one when they touch and share a kind. */
export function appendExtent(list: DiskExtent[], offset: number, length: number, kind: DiskExtent['kind']): void {
  if (length <= 0) return;
  const last = list[list.length - 1];
  if (last && last.kind === kind && last.offset + last.length === offset) {
    last.length += length;
    return;
  }
  list.push({ offset, length, kind });
}

/**
 * Turns sorted allocated byte ranges into extents covering [offset, offset+length)
 * exactly: allocated ranges (widened to whole sectors) become `data`, the gaps
 * `zero`. Ranges are clipped to the window.
 */
export function extentsFromAllocatedRanges(
  offset: number,
  length: number,
  allocated: ReadonlyArray<{ offset: number; length: number }>,
): DiskExtent[] {
  const end = offset + length;
  const out: DiskExtent[] = [];
  let pos = offset;
  for (const range of allocated) {
    // Widen to whole sectors: calling a little more "data" is safe, less is not.
    const start = Math.max(range.offset - (range.offset % SECTOR_SIZE), pos);
    const stop = Math.min(Math.ceil((range.offset + range.length) / SECTOR_SIZE) * SECTOR_SIZE, end);
    if (stop <= start) continue;
    appendExtent(out, pos, start - pos, 'zero');
    appendExtent(out, start, stop - start, 'data');
    pos = stop;
  }
  appendExtent(out, pos, end - pos, 'zero');
  return out;
}
