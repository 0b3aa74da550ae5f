import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskFormatError } from '../../../electron/disks/disk-image';
import { openDiskImage } from '../../../electron/disks/open-disk-image';
import { parseVmdkDescriptor } from '../../../electron/disks/vmdk-descriptor';
import { VmdkFlatImage } from '../../../electron/disks/vmdk-flat-image';
import { KiB, MiB, tempDir } from './disk-fixtures';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('flat');
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('VmdkFlatImage', () => {
  it('creates descriptor + sparse flat extent and round-trips data', async () => {
    const file = path.join(dir, 'web01.vmdk');
    const image = await VmdkFlatImage.create(file, 2 * MiB, { adapterType: 'pvscsi' });
    await image.write(MiB, Buffer.alloc(64 * KiB, 0x42));
    await image.close();
    const descriptor = parseVmdkDescriptor(await fsp.readFile(file, 'utf8'), file);
    expect(descriptor.createType).toBe('monolithicFlat');
    expect(descriptor.extents).toEqual([{ access: 'RW', sectors: 4096, type: 'FLAT', fileName: 'web01-flat.vmdk', offset: 0 }]);
    expect(descriptor.ddb.get('ddb.adapterType')).toBe('pvscsi');
    expect((await fsp.stat(path.join(dir, 'web01-flat.vmdk'))).size).toBe(2 * MiB);
    const reopened = await openDiskImage(file);
    expect(reopened.capacity).toBe(2 * MiB);
    expect((await reopened.read(MiB, 512)).every((b) => b === 0x42)).toBe(true);
    expect(await reopened.extents()).toEqual([
      { offset: 0, length: MiB, kind: 'zero' },
      { offset: MiB, length: 64 * KiB, kind: 'data' },
      { offset: MiB + 64 * KiB, length: MiB - 64 * KiB, kind: 'zero' },
    ]);
    await reopened.close();
  });

  it('maps several extents, sector offsets inside extent files and ZERO extents; RDONLY makes it read-only', async () => {
    await fsp.writeFile(path.join(dir, 'a.bin'), Buffer.concat([Buffer.alloc(1024, 0xee), Buffer.alloc(4096, 0xaa)]));
    await fsp.writeFile(path.join(dir, 'b.bin'), Buffer.alloc(2048, 0xbb));
    const desc = [
      '# Disk DescriptorFile',
      'version=1',
      'CID=1',
      'parentCID=ffffffff',
      'createType="twoGbMaxExtentFlat"',
      'RW 8 FLAT "a.bin" 2',
      'RW 2 ZERO',
      'RDONLY 4 FLAT "b.bin" 0',
      '',
    ].join('\n');
    const file = path.join(dir, 'multi.vmdk');
    await fsp.writeFile(file, desc);
    const image = await VmdkFlatImage.open(file);
    expect(image.capacity).toBe(14 * 512);
    expect(image.readOnly).toBe(true);
    const all = await image.read(0, image.capacity);
    expect(all.subarray(0, 4096).every((b) => b === 0xaa)).toBe(true);
    expect(all.subarray(4096, 5120).every((b) => b === 0)).toBe(true);
    expect(all.subarray(5120).every((b) => b === 0xbb)).toBe(true);
    const extents = await image.extents();
    expect(extents).toEqual([
      { offset: 0, length: 4096, kind: 'data' },
      { offset: 4096, length: 1024, kind: 'zero' },
      { offset: 5120, length: 2048, kind: 'data' },
    ]);
    // Into a caller's buffer that holds old bytes: the ZERO extent still reads as zeros.
    const dirty = Buffer.alloc(image.capacity, 0x5c);
    await image.readInto(dirty, 0);
    expect(dirty.equals(all)).toBe(true);
    await expect(image.write(0, Buffer.alloc(512))).rejects.toThrow(/read-only/);
    await image.close();
  });

  it('names the extent file and its size when it is shorter than the descriptor says', async () => {
    const file = await VmdkFlatImage.create(path.join(dir, 'short.vmdk'), MiB);
    await file.close();
    await fsp.truncate(path.join(dir, 'short-flat.vmdk'), 4096);
    const err = await VmdkFlatImage.open(path.join(dir, 'short.vmdk')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiskFormatError);
    expect((err as DiskFormatError).file).toContain('short-flat.vmdk');
    expect((err as DiskFormatError).offset).toBe(4096);
  });

  it('refuses a non-flat createType and an oversized descriptor file', async () => {
    const sparse = path.join(dir, 'sparse.vmdk');
    await fsp.writeFile(sparse, '# Disk DescriptorFile\nCID=1\ncreateType="twoGbMaxExtentSparse"\nRW 8 SPARSE "s.vmdk"\n');
    await expect(VmdkFlatImage.open(sparse)).rejects.toThrow(/not a flat VMDK/);
    await expect(openDiskImage(sparse)).rejects.toThrow(/createType "twoGbMaxExtentSparse" is not supported/);
    const huge = path.join(dir, 'huge.vmdk');
    await fsp.writeFile(huge, '# Disk DescriptorFile\n');
    await fsp.truncate(huge, 2 * MiB);
    await expect(VmdkFlatImage.open(huge)).rejects.toBeInstanceOf(DiskFormatError);
  });
});
