import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiskImage } from '../../../electron/disks/disk-image';
import { createDiskImage, openDiskImage } from '../../../electron/disks/open-disk-image';
import type { ByteRange } from '../../../electron/disks/byte-ranges';
import { copyDisk, verifyCopy } from '../../../electron/restore/disk-copier';
import { qemuImg } from '../disks/qemu-img';

const MiB = 1024 * 1024;
const CAPACITY = 256 * MiB;
/** Scattered data, a zero-filled data block, and large holes. */
const LAYOUT: Array<{ offset: number; length: number; zero?: boolean }> = [
  { offset: 0, length: 3 * MiB + 512 },
  { offset: 17 * MiB, length: 1 * MiB, zero: true },
  { offset: 64 * MiB + 4096, length: 5 * MiB },
  { offset: 200 * MiB, length: 2 * MiB },
  { offset: CAPACITY - 1 * MiB, length: 1 * MiB },
];

let dir: string;

async function makeSource(): Promise<string> {
  const file = join(dir, 'source.raw');
  const img = await createDiskImage(file, 'raw', CAPACITY);
  for (const part of LAYOUT) await img.write(part.offset, part.zero ? Buffer.alloc(part.length) : randomBytes(part.length));
  await img.close();
  return file;
}

/** A target that fails its Nth write, to prove failures end the copy cleanly. */
function failingOnWrite(target: DiskImage, n: number): DiskImage {
  let writes = 0;
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'write') {
        return async (offset: number, data: Buffer) => {
          if (++writes === n) throw new Error(`injected write fault at ${offset}`);
          return t.write(offset, data);
        };
      }
      const value = Reflect.get(t, prop, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-copier-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('disk copier', () => {
  it('copies only allocated data onto a new thin raw image: identical and still thin', async () => {
    const source = await openDiskImage(await makeSource(), { readOnly: true });
    const targetFile = join(dir, 'target.raw');
    const target = await createDiskImage(targetFile, 'raw', CAPACITY);
    const progress: number[] = [];
    const result = await copyDisk(source, target, { ioBytes: 2 * MiB, inFlight: 4, targetReadsZero: true, onProgress: (p) => progress.push(p.bytesDone) });
    expect(result.bytesWritten).toBeGreaterThanOrEqual(11 * MiB);
    expect(result.bytesWritten).toBeLessThan(13 * MiB);
    expect(progress.at(-1)).toBe(result.bytesTotal);
    expect((await verifyCopy(source, target, 2 * MiB)).ok).toBe(true);
    await target.close();
    await source.close();
    expect((await qemuImg('compare', '-f', 'raw', '-F', 'raw', join(dir, 'source.raw'), targetFile)).code).toBe(0);
    expect((await stat(targetFile)).blocks * 512).toBeLessThan(20 * MiB); // thin stays thin
  });

  it('overwrites an existing disk full of old data so nothing old survives', async () => {
    const source = await openDiskImage(await makeSource(), { readOnly: true });
    const targetFile = join(dir, 'old.raw');
    const old = await createDiskImage(targetFile, 'raw', CAPACITY);
    for (let off = 0; off < CAPACITY; off += 32 * MiB) await old.write(off, Buffer.alloc(4 * MiB, 0xee));
    const result = await copyDisk(source, old, { ioBytes: 1 * MiB, inFlight: 3, targetReadsZero: false });
    expect(result.bytesZero).toBeGreaterThan(200 * MiB);
    await old.close();
    await source.close();
    expect((await qemuImg('compare', '-f', 'raw', '-F', 'raw', join(dir, 'source.raw'), targetFile)).code).toBe(0);
  });

  it('writes a streamOptimized VMDK in order, judged by qemu-img', async () => {
    const source = await openDiskImage(await makeSource(), { readOnly: true });
    const targetFile = join(dir, 'export.vmdk');
    const target = await createDiskImage(targetFile, 'vmdk-stream-optimized', CAPACITY);
    await copyDisk(source, target, { ioBytes: 1 * MiB, inFlight: 4, targetReadsZero: true, orderedWrites: true });
    await target.close();
    await source.close();
    expect((await qemuImg('check', targetFile)).code).toBe(0);
    expect((await qemuImg('compare', '-f', 'raw', join(dir, 'source.raw'), targetFile)).code).toBe(0);
  });

  it('resumes after a cancel from the recorded ranges to an identical result', async () => {
    const source = await openDiskImage(await makeSource(), { readOnly: true });
    const targetFile = join(dir, 'resume.raw');
    const target = await createDiskImage(targetFile, 'raw', CAPACITY);
    const copied: ByteRange[] = [];
    const controller = new AbortController();
    await expect(
      copyDisk(source, target, {
        ioBytes: 1 * MiB, inFlight: 2, targetReadsZero: true, signal: controller.signal,
        onRangeCopied: (r) => {
          copied.push(r);
          if (copied.length === 4) controller.abort(new Error('cancelled by the user'));
        },
      }),
    ).rejects.toThrow(/cancelled/);
    const resumed = await copyDisk(source, target, { ioBytes: 1 * MiB, inFlight: 2, targetReadsZero: true, alreadyDone: copied });
    expect(copied.length).toBeGreaterThanOrEqual(4); // a write already in flight at the cancel still lands and is recorded
    expect(resumed.bytesResumed).toBe(copied.reduce((n, r) => n + r.length, 0));
    expect((await verifyCopy(source, target, 1 * MiB)).ok).toBe(true);
    await target.close();
    await source.close();
    expect((await qemuImg('compare', '-f', 'raw', '-F', 'raw', join(dir, 'source.raw'), targetFile)).code).toBe(0);
  });

  it('ends with the write error, never hanging, in ordered and parallel modes', async () => {
    const source = await openDiskImage(await makeSource(), { readOnly: true });
    for (const orderedWrites of [false, true]) {
      const target = await createDiskImage(join(dir, `fail-${orderedWrites}.raw`), 'raw', CAPACITY);
      await expect(copyDisk(source, failingOnWrite(target, 3), { ioBytes: 1 * MiB, inFlight: 4, targetReadsZero: true, orderedWrites })).rejects.toThrow(
        /injected write fault/,
      );
      await target.close();
    }
    await source.close();
  });

  it('verification names the first differing byte', async () => {
    const source = await openDiskImage(await makeSource(), { readOnly: true });
    const target = await createDiskImage(join(dir, 'bad.raw'), 'raw', CAPACITY);
    await copyDisk(source, target, { ioBytes: 2 * MiB, inFlight: 2, targetReadsZero: true });
    const sector = Buffer.from(await target.read(64 * MiB + 4096, 512));
    sector[7] = (sector[7] ?? 0) ^ 0xff;
    await target.write(64 * MiB + 4096, sector);
    const verdict = await verifyCopy(source, target, 2 * MiB);
    expect(verdict.ok).toBe(false);
    expect(verdict.firstMismatch).toBe(64 * MiB + 4096 + 7);
    await target.close();
    await source.close();
  });
});
