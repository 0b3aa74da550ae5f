/** One kind per byte range of a disk, kept sorted, contiguous and merged. */
export type RunKind = 'data' | 'zero' | 'unallocated';

export interface Run {
  offset: number;
  length: number;
  kind: RunKind;
}

export class RunMap {
  private runs: Run[];

  constructor(
    readonly capacity: number,
    initial: RunKind = 'unallocated',
  ) {
    this.runs = capacity > 0 ? [{ offset: 0, length: capacity, kind: initial }] : [];
  }

  /** Index of the run containing `offset` (binary search). */
  private find(offset: number): number {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runs[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  set(offset: number, length: number, kind: RunKind): void {
    if (length <= 0) return;
    const end = offset + length;
    if (offset < 0 || end > this.capacity)
      throw new RangeError(`range ${offset}+${length} is outside the disk (capacity ${this.capacity})`);
    const first = this.find(offset);
    let last = this.find(end - 1);
    const replacement: Run[] = [];
    const a = this.runs[first]!;
    if (a.offset < offset) replacement.push({ offset: a.offset, length: offset - a.offset, kind: a.kind });
    replacement.push({ offset, length, kind });
    const b = this.runs[last]!;
    if (b.offset + b.length > end) replacement.push({ offset: end, length: b.offset + b.length - end, kind: b.kind });
    // Merge with neighbours of the same kind.
    let start = first;
    const before = this.runs[first - 1];
    if (before && before.kind === replacement[0]!.kind) {
      replacement[0] = { offset: before.offset, length: before.length + replacement[0]!.length, kind: before.kind };
      start--;
    }
    const after = this.runs[last + 1];
    const tail = replacement[replacement.length - 1]!;
    if (after && after.kind === tail.kind) {
      replacement[replacement.length - 1] = { offset: tail.offset, length: tail.length + after.length, kind: tail.kind };
      last++;
    }
    const merged: Run[] = [];
    for (const r of replacement) {
      const prev = merged[merged.length - 1];
      if (prev && prev.kind === r.kind) prev.length += r.length;
      else merged.push({ ...r });
    }
    this.runs.splice(start, last - start + 1, ...merged);
  }

  all(): readonly Run[] {
    return this.runs;
  }
}
