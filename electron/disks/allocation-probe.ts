import { promises as fsp } from 'node:fs';
import { ZERO_BLOCK_SIZE, isAllZero } from './zero-block';

/** A byte range of a file that holds data (or may hold data). */
export interface AllocatedRange {
  offset: number;
  length: number;
}

/**
 * Tells which parts of a file hold data. Implementations may over-report (call
 * a hole "allocated") but must never call data a hole.
 */
export interface AllocationProbe {
  allocatedRanges(path: string, offset: number, length: number): Promise<AllocatedRange[]>;
}

const SCAN_CHUNK = 64 * ZERO_BLOCK_SIZE;

/**
 * The fallback probe: Node has no lseek(SEEK_DATA/SEEK_HOLE), so this reads the
 * file and reports every 64 KiB block that is not all zeros. Reading a hole costs
 * no disk I/O (the kernel hands back zero pages), so multi-GiB sparse files scan
 * at memory speed. Shortcuts: a file with no blocks on disk is all holes, and
 * bytes past end of file are holes. The native addon's SEEK_DATA probe replaces
 * this where available.
 */
export class ZeroScanProbe implements AllocationProbe {
  async allocatedRanges(path: string, offset: number, length: number): Promise<AllocatedRange[]> {
    const handle = await fsp.open(path, 'r');
    try {
      const stat = await handle.stat();
      const end = Math.min(offset + length, stat.size);
      if (end <= offset || stat.blocks === 0) return [];
      const ranges: AllocatedRange[] = [];
      const buf = Buffer.allocUnsafe(SCAN_CHUNK);
      // Blocks are aligned to the file, not to the window, so results are stable.
      let pos = offset - (offset % ZERO_BLOCK_SIZE);
      while (pos < end) {
        const want = Math.min(SCAN_CHUNK, end - pos);
        const { bytesRead } = await handle.read(buf, 0, want, pos);
        if (bytesRead <= 0) break;
        for (let b = 0; b < bytesRead; b += ZERO_BLOCK_SIZE) {
          const n = Math.min(ZERO_BLOCK_SIZE, bytesRead - b);
          if (isAllZero(buf.subarray(b, b + n))) continue;
          const start = Math.max(pos + b, offset);
          const stop = Math.min(pos + b + n, end);
          const last = ranges[ranges.length - 1];
          if (last && last.offset + last.length === start) last.length = stop - last.offset;
          else ranges.push({ offset: start, length: stop - start });
        }
        pos += bytesRead;
      }
      return ranges;
    } finally {
      await handle.close();
    }
  }
}

/** The probe used when the caller does not supply one. */
export const defaultAllocationProbe: AllocationProbe = new ZeroScanProbe();
