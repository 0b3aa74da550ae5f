import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { copyDisk, verifyCopy, type PieceDigests } from '../../../electron/restore/disk-copier';
import { MemoryDiskImage } from '../repository/memory-disk-image';

// Counts the hashes verifyCopy starts, passing everything through to the real module.
const hashes = vi.hoisted(() => ({ started: [] as string[] }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    createHash: (algorithm: string) => {
      hashes.started.push(algorithm);
      return real.createHash(algorithm);
    },
  };
});

const MiB = 1024 * 1024;

/** 32 MiB with data at 1 MiB (5 MiB), 20 MiB (3 MiB) and the last MiB; the rest unallocated. */
async function pair(): Promise<{ source: MemoryDiskImage; target: MemoryDiskImage }> {
  const source = new MemoryDiskImage(32 * MiB);
  const target = new MemoryDiskImage(32 * MiB);
  for (const [offset, length] of [
    [1 * MiB, 5 * MiB],
    [20 * MiB, 3 * MiB],
    [31 * MiB, 1 * MiB],
  ] as const) {
    const data = randomBytes(length);
    await source.write(offset, data);
    await target.write(offset, data);
  }
  return { source, target };
}

/** Records the most reads of `image` that were in flight at once. */
function countingReads(image: MemoryDiskImage): { peak: () => number } {
  let now = 0;
  let peak = 0;
  const read = image.read.bind(image);
  image.read = async (offset: number, length: number) => {
    peak = Math.max(peak, ++now);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      return await read(offset, length);
    } finally {
      now--;
    }
  };
  return { peak: () => peak };
}

describe('read-back verification', () => {
  it('compares bytes with no cryptographic hash and reports the target’s CRC-32 for both sides when equal', async () => {
    const { source, target } = await pair();
    hashes.started.length = 0;
    const verdict = await verifyCopy(source, target, 2 * MiB);
    expect(verdict.ok).toBe(true);
    expect(verdict.bytesCompared).toBe(9 * MiB);
    // The source's chunks were authenticated by AES-GCM already and the bytes are compared: no SHA-256 pass at all.
    expect(hashes.started).toEqual([]);
    let crc = crc32(target.bytes.subarray(1 * MiB, 6 * MiB));
    crc = crc32(target.bytes.subarray(20 * MiB, 23 * MiB), crc);
    crc = crc32(target.bytes.subarray(31 * MiB), crc);
    const expected = `crc32:${crc.toString(16).padStart(8, '0')}`;
    expect(verdict.targetSha256).toBe(expected);
    expect(verdict.sourceSha256).toBe(expected);
  });

  it('reads ahead on both sides while it compares', async () => {
    const { source, target } = await pair();
    const s = countingReads(source);
    const t = countingReads(target);
    expect((await verifyCopy(source, target, 1 * MiB)).ok).toBe(true);
    expect(s.peak()).toBeGreaterThanOrEqual(2);
    expect(t.peak()).toBeGreaterThanOrEqual(2);
  });

  it('names the first differing byte at a piece start, inside a piece and at the very end', async () => {
    for (const at of [1 * MiB, 21 * MiB + 12345, 32 * MiB - 1]) {
      const { source, target } = await pair();
      target.bytes[at] = (target.bytes[at] ?? 0) ^ 0x01;
      const verdict = await verifyCopy(source, target, 2 * MiB);
      expect(verdict.ok).toBe(false);
      expect(verdict.firstMismatch).toBe(at);
      expect(verdict.sourceSha256).toBe('');
    }
  });

  it('stray data in the target where the source holds none fails when target data is included', async () => {
    const { source, target } = await pair();
    await target.write(10 * MiB, Buffer.alloc(512, 0x77));
    expect((await verifyCopy(source, target, 2 * MiB)).ok).toBe(true);
    const verdict = await verifyCopy(source, target, 2 * MiB, { includeTargetData: true });
    expect(verdict.ok).toBe(false);
    expect(verdict.firstMismatch).toBe(10 * MiB);
  });
});

describe('read-back verification against what was written', () => {
  it('reads only the target when its pieces match the CRC-32 of the bytes written, and still names a changed byte', async () => {
    const { source, target } = await pair();
    const copied = new MemoryDiskImage(32 * MiB);
    const digests: PieceDigests = new Map();
    await copyDisk(source, copied, { ioBytes: 2 * MiB, inFlight: 2, targetReadsZero: true, digests });
    let sourceReads = 0;
    const read = source.read.bind(source);
    source.read = (offset: number, length: number) => {
      sourceReads++;
      return read(offset, length);
    };
    const verdict = await verifyCopy(source, copied, 2 * MiB, { written: digests });
    expect(verdict.ok).toBe(true);
    expect(verdict.bytesCompared).toBe(9 * MiB);
    expect(sourceReads).toBe(0);
    expect(verdict.targetSha256).toBe((await verifyCopy(source, target, 2 * MiB)).targetSha256);

    sourceReads = 0;
    copied.bytes[20 * MiB + 777] = (copied.bytes[20 * MiB + 777] ?? 0) ^ 0x10;
    const bad = await verifyCopy(source, copied, 2 * MiB, { written: digests });
    expect(bad.ok).toBe(false);
    expect(bad.firstMismatch).toBe(20 * MiB + 777);
    // Only the piece whose CRC-32 differs is read from the source.
    expect(sourceReads).toBe(1);
  });
});
