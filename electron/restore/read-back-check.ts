import type { DiskImage } from '../disks/disk-image';
import { ReadBufferPool } from '../disks/read-buffer-pool';
import { isAllZero } from '../disks/zero-block';

/** Offset of the first byte where `a` and `b` differ (their common length when one is a prefix of the other). */
export function firstDifference(a: Buffer, b: Buffer): number {
  // Halve towards the first difference with memcmp rather than a byte loop over megabytes.
  let lo = 0;
  let hi = Math.min(a.length, b.length);
  while (hi - lo > 64) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (a.subarray(lo, mid).equals(b.subarray(lo, mid))) lo = mid;
    else hi = mid;
  }
  while (lo < hi && a[lo] === b[lo]) lo++;
  return lo;
}

/**
 * Verification while copying: each piece is read back from the target right
 * after its write and compared byte for byte with the bytes still in memory
 * (which the source authenticated: AES-GCM for restore points). No digest and
 * no second decode of the source; the read-back overlaps the copy of later
 * pieces. A piece that was all zeros and not written must read back as zeros.
 * Only for targets that read back what they were given before a flush (raw
 * and flat files), not for streamOptimized VMDK (grains are in the file only
 * once it is closed).
 */
export class ReadBackCheck {
  bytesCompared = 0;
  /** The lowest disk offset found to differ so far. */
  firstMismatch: number | null = null;

  /** Buffers read back into and reused (a new one per piece was a fifth of an export's CPU in GC). */
  private readonly buffers: ReadBufferPool;

  /** `ioBytes`: the usual piece size; `inFlight`: pieces checked at once. */
  constructor(
    private readonly target: DiskImage,
    ioBytes: number,
    inFlight: number,
  ) {
    this.buffers = new ReadBufferPool(ioBytes, inFlight);
  }

  async check(offset: number, written: Buffer | null, length: number): Promise<void> {
    const buffer = this.target.readInto ? this.buffers.take(length) : null;
    try {
      const into = buffer?.subarray(0, length);
      const back = into ?? (await this.target.read(offset, length));
      if (into) await this.target.readInto!(into, offset);
      let at: number | null = null;
      if (written) {
        if (!back.equals(written)) at = offset + firstDifference(written, back);
      } else if (!isAllZero(back)) {
        at = offset + firstDifference(Buffer.alloc(length), back);
      }
      this.bytesCompared += length;
      if (at !== null && (this.firstMismatch === null || at < this.firstMismatch)) this.firstMismatch = at;
    } finally {
      if (buffer) this.buffers.give(buffer);
    }
  }
}
