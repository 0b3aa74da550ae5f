import { SECTOR_SIZE } from './disk-image';

/** A half-open byte range [offset, offset + length). */
export interface ByteRange {
  offset: number;
  length: number;
}

export function totalBytes(ranges: readonly ByteRange[]): number {
  return ranges.reduce((sum, r) => sum + r.length, 0);
}

/** Sorts and merges overlapping or touching ranges; drops empty ones. */
export function mergeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = ranges.filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, r.offset + r.length - last.offset);
    } else out.push({ offset: r.offset, length: r.length });
  }
  return out;
}

/**
 * Widens ranges to whole sectors and clips them to the disk. An area that
 * ends mid-sector (or a disk whose last allocation block is cut short) is
 * read as data, never dropped.
 */
export function alignToSectors(ranges: readonly ByteRange[], capacity: number): ByteRange[] {
  const out: ByteRange[] = [];
  for (const r of ranges) {
    const start = Math.max(0, Math.floor(r.offset / SECTOR_SIZE) * SECTOR_SIZE);
    const end = Math.min(capacity, Math.ceil((r.offset + r.length) / SECTOR_SIZE) * SECTOR_SIZE);
    if (end > start) out.push({ offset: start, length: end - start });
  }
  return mergeRanges(out);
}

/** Where both merged lists cover. */
export function intersectRanges(a: readonly ByteRange[], b: readonly ByteRange[]): ByteRange[] {
  const out: ByteRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.offset, y.offset);
    const end = Math.min(x.offset + x.length, y.offset + y.length);
    if (end > start) out.push({ offset: start, length: end - start });
    if (x.offset + x.length < y.offset + y.length) i++;
    else j++;
  }
  return mergeRanges(out);
}

/** The parts of merged list `a` that merged list `b` does not cover. */
export function subtractRanges(a: readonly ByteRange[], b: readonly ByteRange[]): ByteRange[] {
  const out: ByteRange[] = [];
  for (const r of a) {
    let cursor = r.offset;
    const end = r.offset + r.length;
    for (const c of b) {
      const cEnd = c.offset + c.length;
      if (cEnd <= cursor) continue;
      if (c.offset >= end) break;
      if (c.offset > cursor) out.push({ offset: cursor, length: c.offset - cursor });
      cursor = Math.max(cursor, cEnd);
      if (cursor >= end) break;
    }
    if (cursor < end) out.push({ offset: cursor, length: end - cursor });
  }
  return out;
}

/** Splits ranges into pieces of at most `size` bytes that never cross a multiple of `size` (repository slots). */
export function splitAtBoundaries(ranges: readonly ByteRange[], size: number): ByteRange[] {
  const out: ByteRange[] = [];
  for (const r of ranges) {
    let pos = r.offset;
    const end = r.offset + r.length;
    while (pos < end) {
      const next = Math.min(end, (Math.floor(pos / size) + 1) * size);
      out.push({ offset: pos, length: next - pos });
      pos = next;
    }
  }
  return out;
}
