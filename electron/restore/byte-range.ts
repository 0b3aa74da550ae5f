/** A half-open byte range [offset, offset + length). */
export interface ByteRange {
  offset: number;
  length: number;
}

/** Sorts and merges touching or overlapping ranges. */
export function mergeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = ranges.filter((r) => r.length > 0).sort((a, b) => a.offset - b.offset);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, r.offset + r.length - last.offset);
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

/** The parts of `range` not covered by `covered` (which must be merged). */
export function subtractRanges(range: ByteRange, covered: readonly ByteRange[]): ByteRange[] {
  const out: ByteRange[] = [];
  let cursor = range.offset;
  const end = range.offset + range.length;
  for (const c of covered) {
    const cEnd = c.offset + c.length;
    if (cEnd <= cursor) continue;
    if (c.offset >= end) break;
    if (c.offset > cursor) out.push({ offset: cursor, length: c.offset - cursor });
    cursor = Math.max(cursor, cEnd);
    if (cursor >= end) break;
  }
  if (cursor < end) out.push({ offset: cursor, length: end - cursor });
  return out;
}

/** Splits a range into pieces of at most `size` bytes, aligned to multiples of `size` from 0. */
export function splitAligned(range: ByteRange, size: number): ByteRange[] {
  const out: ByteRange[] = [];
  let pos = range.offset;
  const end = range.offset + range.length;
  while (pos < end) {
    const next = Math.min(end, (Math.floor(pos / size) + 1) * size);
    out.push({ offset: pos, length: next - pos });
    pos = next;
  }
  return out;
}

export function totalLength(ranges: readonly ByteRange[]): number {
  return ranges.reduce((sum, r) => sum + r.length, 0);
}
