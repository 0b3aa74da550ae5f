import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AllocationProbe } from '../../../electron/disks/allocation-probe';
import { ZeroScanProbe } from '../../../electron/disks/allocation-probe';
import { DiskFormatError, extentsFromAllocatedRanges } from '../../../electron/disks/disk-image';
import { RawImage } from '../../../electron/disks/raw-image';
import { KiB, MiB, tempDir } from './disk-fixtures';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('raw');
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function allocatedBytes(file: string): Promise<number> {
  return (await fsp.stat(file)).blocks * 512;
}

describe('RawImage', () => {
  it('creates a thin file, writes and reads positionally, and reports extents from the zero scan', async () => {
    const file = path.join(dir, 'disk.raw');
    const image = await RawImage.create(file, 8 * MiB);
    expect(await allocatedBytes(file)).toBe(0);
    expect(await image.extents()).toEqual([{ offset: 0, length: 8 * MiB, kind: 'zero' }]);
    await image.write(1 * MiB, Buffer.alloc(128 * KiB, 7));
    await image.write(4 * MiB + 512, Buffer.alloc(512, 9));
    expect((await image.read(1 * MiB - 512, 1024)).toString('hex')).toBe('00'.repeat(512) + '07'.repeat(512));
    expect(await image.extents()).toEqual([
      { offset: 0, length: 1 * MiB, kind: 'zero' },
      { offset: 1 * MiB, length: 128 * KiB, kind: 'data' },
      { offset: 1 * MiB + 128 * KiB, length: 3 * MiB - 128 * KiB, kind: 'zero' },
      { offset: 4 * MiB, length: 64 * KiB, kind: 'data' },
      { offset: 4 * MiB + 64 * KiB, length: 4 * MiB - 64 * KiB, kind: 'zero' },
    ]);
    // A window that starts inside a 64 KiB block is clipped exactly.
    expect(await image.extents(4 * MiB + 1024, 2048)).toEqual([{ offset: 4 * MiB + 1024, length: 2048, kind: 'data' }]);
    await image.close();
  });

  it('keeps thin files thin: zero blocks over holes are not written, zero blocks over data are', async () => {
    const file = path.join(dir, 'thin.raw');
    const image = await RawImage.create(file, 4 * MiB);
    await image.write(0, Buffer.alloc(4 * MiB));
    await image.flush();
    expect(await allocatedBytes(file)).toBe(0);
    const mixed = Buffer.alloc(256 * KiB);
    mixed.fill(3, 128 * KiB, 192 * KiB);
    await image.write(0, mixed);
    expect(await allocatedBytes(file)).toBeLessThanOrEqual(128 * KiB);
    await image.write(128 * KiB, Buffer.alloc(64 * KiB));
    expect(isZero(await image.read(0, 256 * KiB))).toBe(true);
    await image.close();
  });

  it('refuses unaligned I/O, I/O past the end, and writes when read-only', async () => {
    const file = path.join(dir, 'ro.raw');
    await (await RawImage.create(file, MiB)).close();
    const image = await RawImage.open(file, { readOnly: true });
    await expect(image.read(100, 512)).rejects.toThrow(RangeError);
    await expect(image.read(MiB, 512)).rejects.toThrow(/outside the disk/);
    await expect(image.write(0, Buffer.alloc(512))).rejects.toThrow(/read-only/);
    await image.close();
  });

  it('rejects a file whose size is not whole sectors', async () => {
    const file = path.join(dir, 'odd.raw');
    await fsp.writeFile(file, Buffer.alloc(1000));
    await expect(RawImage.open(file)).rejects.toBeInstanceOf(DiskFormatError);
  });

  it('takes its extents from the probe it is given', async () => {
    const file = path.join(dir, 'probe.raw');
    const calls: Array<[number, number]> = [];
    const probe: AllocationProbe = {
      async allocatedRanges(_p, offset, length) {
        calls.push([offset, length]);
        return [{ offset: 0, length: 4096 }];
      },
    };
    const image = await RawImage.create(file, MiB, { probe });
    expect(await image.extents(0, 8192)).toEqual([
      { offset: 0, length: 4096, kind: 'data' },
      { offset: 4096, length: 4096, kind: 'zero' },
    ]);
    expect(calls).toEqual([[0, 8192]]);
    await image.close();
  });
});

describe('ZeroScanProbe and extent helpers', () => {
  it('reports nothing past end of file and merges neighbouring blocks', async () => {
    const file = path.join(dir, 'scan.raw');
    const buf = Buffer.alloc(512 * KiB);
    buf.fill(1, 64 * KiB, 200 * KiB);
    await fsp.writeFile(file, buf);
    const probe = new ZeroScanProbe();
    expect(await probe.allocatedRanges(file, 0, 4 * MiB)).toEqual([{ offset: 64 * KiB, length: 192 * KiB }]);
    expect(await probe.allocatedRanges(file, MiB, MiB)).toEqual([]);
  });

  it('widens unaligned probe ranges to whole sectors', () => {
    expect(extentsFromAllocatedRanges(0, 4096, [{ offset: 1000, length: 100 }])).toEqual([
      { offset: 0, length: 512, kind: 'zero' },
      { offset: 512, length: 1024, kind: 'data' },
      { offset: 1536, length: 2560, kind: 'zero' },
    ]);
  });

  it('clips ranges to the window and fills gaps with zero extents', () => {
    const S = 512;
    const ranges = [
      { offset: 0, length: 120 * S },
      { offset: 150 * S, length: 10 * S },
      { offset: 190 * S, length: 50 * S },
    ];
    expect(extentsFromAllocatedRanges(100 * S, 100 * S, ranges)).toEqual([
      { offset: 100 * S, length: 20 * S, kind: 'data' },
      { offset: 120 * S, length: 30 * S, kind: 'zero' },
      { offset: 150 * S, length: 10 * S, kind: 'data' },
      { offset: 160 * S, length: 30 * S, kind: 'zero' },
      { offset: 190 * S, length: 10 * S, kind: 'data' },
    ]);
  });
});

function isZero(buf: Buffer): boolean {
  return buf.equals(Buffer.alloc(buf.length));
}
