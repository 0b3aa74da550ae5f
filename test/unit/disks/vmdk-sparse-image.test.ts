import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskFormatError } from '../../../electron/disks/disk-image';
import { openDiskImage } from '../../../electron/disks/open-disk-image';
import { VmdkSparseImage } from '../../../electron/disks/vmdk-sparse-image';
import { KiB, MiB, patternBytes, tempDir } from './disk-fixtures';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('sparse');
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function patch(file: string, offset: number, bytes: Buffer): Promise<void> {
  const h = await fsp.open(file, 'r+');
  await h.write(bytes, 0, bytes.length, offset);
  await h.close();
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

async function formatError(promise: Promise<unknown>): Promise<DiskFormatError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiskFormatError);
  return err as DiskFormatError;
}

describe('VmdkSparseImage', () => {
  it('allocates grains only for non-zero data, overwrites in place, and reads back after reopening', async () => {
    const file = path.join(dir, 'disk.vmdk');
    const image = await VmdkSparseImage.create(file, 4 * MiB, { grainSize: 16 });
    expect(image.descriptor?.createType).toBe('monolithicSparse');
    const sizeEmpty = (await fsp.stat(file)).size;
    await image.write(0, Buffer.alloc(MiB));
    expect((await fsp.stat(file)).size).toBe(sizeEmpty);
    const data = patternBytes(20 * KiB, 7);
    await image.write(8 * KiB - 512, data);
    const afterData = (await fsp.stat(file)).size;
    expect(afterData).toBe(sizeEmpty + 4 * 8 * KiB);
    await image.write(8 * KiB, Buffer.alloc(8 * KiB, 1));
    expect((await fsp.stat(file)).size).toBe(afterData);
    await image.write(16 * KiB, Buffer.alloc(8 * KiB));
    await image.close();

    const reopened = await openDiskImage(file);
    const expected = Buffer.alloc(4 * MiB);
    data.copy(expected, 8 * KiB - 512);
    expected.fill(1, 8 * KiB, 16 * KiB);
    expected.fill(0, 16 * KiB, 24 * KiB);
    expect((await reopened.read(0, 4 * MiB)).equals(expected)).toBe(true);
    expect(await reopened.extents(0, 64 * KiB)).toEqual([
      { offset: 0, length: 32 * KiB, kind: 'data' },
      { offset: 32 * KiB, length: 32 * KiB, kind: 'zero' },
    ]);
    await reopened.close();
  });

  it('adds a grain table (and its redundant copy) when the directory has none for the span', async () => {
    const file = path.join(dir, 'no-gt.vmdk');
    const created = await VmdkSparseImage.create(file, 2 * MiB, { grainSize: 8 });
    const { gdOffset, rgdOffset } = created.header;
    await created.close();
    // Grain size 8 sectors: one table spans 2 MiB, so entry 0 is the only one.
    await patch(file, gdOffset * 512, u32(0));
    await patch(file, rgdOffset * 512, u32(0));
    const image = await VmdkSparseImage.open(file);
    expect(await image.extents()).toEqual([{ offset: 0, length: 2 * MiB, kind: 'zero' }]);
    await image.write(MiB, Buffer.alloc(4096, 0x77));
    await image.close();
    const again = await VmdkSparseImage.open(file, { readOnly: true });
    expect((await again.read(MiB, 4096)).every((b) => b === 0x77)).toBe(true);
    await again.close();
    const raw = await fsp.readFile(file);
    expect(raw.readUInt32LE(gdOffset * 512)).not.toBe(0);
    expect(raw.readUInt32LE(rgdOffset * 512)).not.toBe(0);
    expect(raw.readUInt32LE(rgdOffset * 512)).not.toBe(raw.readUInt32LE(gdOffset * 512));
  });

  it('reads grain-table entry 1 as a zero grain', async () => {
    const file = path.join(dir, 'zero-gte.vmdk');
    const created = await VmdkSparseImage.create(file, MiB, { grainSize: 8 });
    await created.write(0, Buffer.alloc(4096, 5));
    await created.close();
    const raw = await fsp.readFile(file);
    const gt = raw.readUInt32LE(created.header.gdOffset * 512);
    await patch(file, gt * 512, u32(1));
    const image = await VmdkSparseImage.open(file);
    expect((await image.read(0, 4096)).every((b) => b === 0)).toBe(true);
    expect((await image.extents(0, 4096))[0]?.kind).toBe('zero');
    await image.write(0, Buffer.alloc(512, 9));
    expect((await image.read(0, 1024)).subarray(0, 512).every((b) => b === 9)).toBe(true);
    await image.close();
  });

  describe('bad input', () => {
    let file: string;
    let header: VmdkSparseImage['header'];
    beforeEach(async () => {
      file = path.join(dir, 'victim.vmdk');
      const image = await VmdkSparseImage.create(file, MiB, { grainSize: 16 });
      await image.write(64 * KiB, Buffer.alloc(8 * KiB, 3));
      header = image.header;
      await image.close();
    });

    it('names the magic at byte 0', async () => {
      await patch(file, 0, Buffer.from('XXXX'));
      const err = await formatError(VmdkSparseImage.open(file));
      expect(err.offset).toBe(0);
      expect(err.problem).toMatch(/magic/);
    });

    it('names the grain size field when it is not a power of two', async () => {
      await patch(file, 20, Buffer.from([24, 0, 0, 0, 0, 0, 0, 0]));
      expect((await formatError(VmdkSparseImage.open(file))).offset).toBe(20);
    });

    it('notices text-mode damage to the newline test bytes', async () => {
      await patch(file, 75, Buffer.from([0x0a]));
      expect((await formatError(VmdkSparseImage.open(file))).offset).toBe(73);
    });

    it('names the directory entry that points past end of file', async () => {
      await patch(file, header.gdOffset * 512, u32(0x00ffffff));
      const err = await formatError(VmdkSparseImage.open(file));
      expect(err.offset).toBe(header.gdOffset * 512);
      expect(err.problem).toMatch(/grain directory entry 0/);
    });

    it('refuses a grain table entry that points into the metadata', async () => {
      const raw = await fsp.readFile(file);
      const gt = raw.readUInt32LE(header.gdOffset * 512);
      await patch(file, gt * 512 + 8 * 4, u32(header.gdOffset));
      const image = await VmdkSparseImage.open(file);
      const err = await formatError(image.write(64 * KiB, Buffer.alloc(512, 1)));
      expect(err.offset).toBe(gt * 512 + 8 * 4);
      expect(err.problem).toMatch(/metadata/);
      await image.close();
    });

    it('names the grain that a truncated file cuts off', async () => {
      const size = (await fsp.stat(file)).size;
      await fsp.truncate(file, size - 4096);
      const image = await VmdkSparseImage.open(file, { readOnly: true });
      const err = await formatError(image.read(64 * KiB, 8 * KiB));
      expect(err.offset).toBe(size - 8192);
      expect(err.problem).toMatch(/grain 8/);
      await image.close();
    });

    it('refuses a file that ends inside the header', async () => {
      await fsp.truncate(file, 100);
      const err = await formatError(VmdkSparseImage.open(file));
      expect(err.offset).toBe(0);
      expect(err.problem).toMatch(/outside the file \(100 bytes\)/);
    });
  });
});
