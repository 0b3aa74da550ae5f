import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DiskImage } from '../../../electron/disks/disk-image';

export const MiB = 1024 * 1024;
export const KiB = 1024;

/** A deterministic pseudo-random generator (mulberry32) so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes that compress somewhat (like real disks) but are not trivially repetitive. */
export function patternBytes(length: number, seed: number): Buffer {
  const rand = seededRandom(seed);
  const buf = Buffer.alloc(length);
  for (let i = 0; i < length; i += 64) {
    const chunk = rand() < 0.5 ? randomBytes(Math.min(64, length - i)) : Buffer.alloc(Math.min(64, length - i), i & 0xff);
    chunk.copy(buf, i);
  }
  return buf;
}

export interface Write {
  offset: number;
  data: Buffer;
}

/** A mix of writes: grain aligned, sector aligned inside a grain, spanning grains, an all-zero write. */
export function sampleWrites(capacity: number): Write[] {
  const writes: Write[] = [
    { offset: 0, data: patternBytes(64 * KiB, 1) },
    { offset: 192 * KiB + 512, data: patternBytes(3 * KiB, 2) },
    { offset: 1 * MiB - 8 * KiB, data: patternBytes(80 * KiB, 3) },
    { offset: 2 * MiB, data: Buffer.alloc(256 * KiB) },
    { offset: 3 * MiB + 4 * KiB, data: patternBytes(512 * KiB, 4) },
    { offset: capacity - 4 * KiB, data: patternBytes(4 * KiB, 5) },
  ];
  return writes.filter((w) => w.offset + w.data.length <= capacity);
}

export async function writeAll(image: DiskImage, writes: Write[]): Promise<void> {
  for (const w of writes) await image.write(w.offset, w.data);
}

/** The same writes applied to an in-memory disk. */
export function referenceBytes(capacity: number, writes: Write[]): Buffer {
  const buf = Buffer.alloc(capacity);
  for (const w of writes) w.data.copy(buf, w.offset);
  return buf;
}

export async function tempDir(prefix: string): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), `lifeboat-${prefix}-`));
}

/** True when every byte of `buf[offset, offset+length)` is covered by a `data` extent or is zero. */
export function extentsCoverData(
  extents: Array<{ offset: number; length: number; kind: string }>,
  reference: Buffer,
): string | undefined {
  for (const e of extents) {
    if (e.kind === 'zero' && !reference.subarray(e.offset, e.offset + e.length).equals(Buffer.alloc(e.length))) {
      return `zero extent ${e.offset}+${e.length} holds data`;
    }
  }
  return undefined;
}
