import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiskExtent } from '../../../electron/disks/disk-image';
import {
  type DiskImageFormat,
  createDiskImage,
  detectDiskImageFormat,
  openDiskImage,
} from '../../../electron/disks/open-disk-image';
import { MiB, KiB, extentsCoverData, referenceBytes, sampleWrites, tempDir, writeAll } from '../../unit/disks/disk-fixtures';
import { qemuDataRanges, qemuImg } from './qemu-img';

const CAPACITY = 5 * MiB;
const writes = sampleWrites(CAPACITY);
const reference = referenceBytes(CAPACITY, writes);

let dir: string;
let refPath: string;

beforeAll(async () => {
  dir = await tempDir('disks-qemu');
  refPath = path.join(dir, 'reference.raw');
  await fsp.writeFile(refPath, reference);
});

afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

function qemuFormat(format: DiskImageFormat): string {
  return format === 'raw' ? 'raw' : 'vmdk';
}

function expectCoversExactly(extents: DiskExtent[], offset: number, length: number): void {
  let pos = offset;
  for (const e of extents) {
    expect(e.offset).toBe(pos);
    expect(e.length).toBeGreaterThan(0);
    pos += e.length;
  }
  expect(pos).toBe(offset + length);
}

const FORMATS: DiskImageFormat[] = ['raw', 'vmdk-flat', 'vmdk-vmfs', 'vmdk-sparse', 'vmdk-stream-optimized'];

describe.each(FORMATS)('%s written by Lifeboat', (format) => {
  it('passes qemu-img check and compares equal to the raw reference; reads back with correct extents', async () => {
    const file = path.join(dir, `ours-${format}.${format === 'raw' ? 'raw' : 'vmdk'}`);
    const image = await createDiskImage(file, format, CAPACITY);
    await writeAll(image, writes);
    await image.flush();
    await image.close();

    if (format !== 'raw') {
      const check = await qemuImg('check', '-f', 'vmdk', file);
      expect(check.stdout).toMatch(/No errors were found/);
      expect(check.stderr).toBe('');
      expect(check.code).toBe(0);
    }
    const compare = await qemuImg('compare', '-f', 'raw', '-F', qemuFormat(format), refPath, file);
    expect(compare.stdout + compare.stderr).toMatch(/identical/i);
    expect(compare.code).toBe(0);

    expect(await detectDiskImageFormat(file)).toBe(format);
    const reopened = await openDiskImage(file, { readOnly: true });
    try {
      expect(reopened.capacity).toBe(CAPACITY);
      expect((await reopened.read(0, CAPACITY)).equals(reference)).toBe(true);
      const extents = await reopened.extents();
      expectCoversExactly(extents, 0, CAPACITY);
      expect(extentsCoverData(extents, reference)).toBeUndefined();
      // Thin stays thin: the all-zero write at 2 MiB allocated nothing.
      const zeroWrite = await reopened.extents(2 * MiB, 256 * KiB);
      expect(zeroWrite).toEqual([{ offset: 2 * MiB, length: 256 * KiB, kind: 'zero' }]);
      // A sub-range query is clipped to the window.
      const window = await reopened.extents(192 * KiB, 64 * KiB);
      expectCoversExactly(window, 192 * KiB, 64 * KiB);
      expect(window.some((e) => e.kind === 'data')).toBe(true);
      // What we call zero, qemu-img must not call data.
      const qemuData = await qemuDataRanges(file, qemuFormat(format));
      for (const e of extents.filter((x) => x.kind === 'zero')) {
        for (const q of qemuData) expect(q.offset + q.length <= e.offset || q.offset >= e.offset + e.length).toBe(true);
      }
    } finally {
      await reopened.close();
    }
  });
});

const QEMU_SUBFORMATS: Array<[DiskImageFormat, string[]]> = [
  ['raw', ['-O', 'raw']],
  ['vmdk-flat', ['-O', 'vmdk', '-o', 'subformat=monolithicFlat']],
  ['vmdk-sparse', ['-O', 'vmdk', '-o', 'subformat=monolithicSparse']],
  ['vmdk-stream-optimized', ['-O', 'vmdk', '-o', 'subformat=streamOptimized']],
];

describe.each(QEMU_SUBFORMATS)('%s made by qemu-img', (format, args) => {
  it('is detected, reads back byte for byte, and its extents agree with the data', async () => {
    const file = path.join(dir, `qemu-${format}.img`);
    const convert = await qemuImg('convert', '-f', 'raw', ...args, refPath, file);
    expect(convert.stderr).toBe('');
    expect(await detectDiskImageFormat(file)).toBe(format);
    const image = await openDiskImage(file, { readOnly: true });
    try {
      expect(image.capacity).toBe(CAPACITY);
      expect((await image.read(0, CAPACITY)).equals(reference)).toBe(true);
      // Unaligned-to-grain reads go through the same path.
      expect((await image.read(192 * KiB, 4 * KiB)).equals(reference.subarray(192 * KiB, 196 * KiB))).toBe(true);
      const extents = await image.extents();
      expectCoversExactly(extents, 0, CAPACITY);
      expect(extentsCoverData(extents, reference)).toBeUndefined();
      expect(extents.some((e) => e.kind === 'zero')).toBe(true);
    } finally {
      await image.close();
    }
  });
});

describe('sparse images of a multi-GiB capacity', () => {
  const BIG = 6 * 1024 * MiB;
  const bigWrites = [
    { offset: 0, data: Buffer.alloc(64 * KiB, 0x11) },
    { offset: 5 * 1024 * MiB + 3 * MiB + 512, data: Buffer.alloc(2 * MiB, 0x5a) },
    { offset: BIG - MiB, data: Buffer.alloc(MiB, 0xa5) },
  ];

  it.each(['raw', 'vmdk-sparse', 'vmdk-stream-optimized', 'vmdk-flat'] as DiskImageFormat[])(
    '%s: writes beyond 4 GiB land where they should (qemu-img compare) and extents find them',
    async (format) => {
      const file = path.join(dir, `big-${format}.img`);
      const refBig = path.join(dir, `big-ref-${format}.raw`);
      const ref = await createDiskImage(refBig, 'raw', BIG);
      await writeAll(ref, bigWrites);
      await ref.close();
      const image = await createDiskImage(file, format, BIG);
      await writeAll(image, bigWrites);
      await image.close();
      const used = (await fsp.stat(file)).blocks * 512;
      expect(used).toBeLessThan(16 * MiB);

      const compare = await qemuImg('compare', '-f', 'raw', '-F', qemuFormat(format), refBig, file);
      expect(compare.stdout + compare.stderr).toMatch(/identical/i);

      const reopened = await openDiskImage(file, { readOnly: true });
      try {
        // The fallback zero-scan probe reads every byte of raw and flat files, so for those
        // only the written neighbourhoods are queried; sparse formats map the whole disk.
        const scanned = format === 'raw' || format === 'vmdk-flat';
        const windows: Array<[number, number]> = scanned
          ? [
              [0, MiB],
              [5 * 1024 * MiB, 16 * MiB],
              [BIG - 2 * MiB, 2 * MiB],
            ]
          : [[0, BIG]];
        const data: DiskExtent[] = [];
        for (const [o, l] of windows) {
          const part = await reopened.extents(o, l);
          expectCoversExactly(part, o, l);
          data.push(...part.filter((e) => e.kind === 'data'));
        }
        const total = data.reduce((n, e) => n + e.length, 0);
        expect(total).toBeGreaterThanOrEqual(64 * KiB + 3 * MiB);
        expect(total).toBeLessThan(8 * MiB);
        expect(
          data.some((e) => e.offset <= 5 * 1024 * MiB + 3 * MiB + 512 && e.offset + e.length >= 5 * 1024 * MiB + 5 * MiB),
        ).toBe(true);
        const tail = await reopened.read(BIG - 4 * KiB, 4 * KiB);
        expect(tail.equals(Buffer.alloc(4 * KiB, 0xa5))).toBe(true);
      } finally {
        await reopened.close();
        await fsp.rm(file, { force: true });
        await fsp.rm(file.replace(/\.img$/, '-flat.vmdk'), { force: true });
        await fsp.rm(refBig, { force: true });
      }
    },
  );
});
