import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskFormatError } from '../../../electron/disks/disk-image';
import { RawImage } from '../../../electron/disks/raw-image';
import { StreamOptimizedReader } from '../../../electron/disks/stream-optimized-reader';
import { StreamOptimizedWriter } from '../../../electron/disks/stream-optimized-writer';
import { VmdkFlatImage } from '../../../electron/disks/vmdk-flat-image';
import { VmdkSparseImage } from '../../../electron/disks/vmdk-sparse-image';
import {
  DISK_IMAGE_FORMATS,
  createDiskImage,
  detectDiskImageFormat,
  openDiskImage,
} from '../../../electron/disks/open-disk-image';
import { MiB, tempDir } from './disk-fixtures';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('open');
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('createDiskImage / openDiskImage', () => {
  it.each(DISK_IMAGE_FORMATS)('%s: creates, detects and reopens as the right class', async (format) => {
    const file = path.join(dir, `d-${format}.vmdk`);
    const created = await createDiskImage(file, format, 2 * MiB);
    expect(created.capacity).toBe(2 * MiB);
    expect(created.readOnly).toBe(false);
    await created.write(0, Buffer.alloc(4096, 1));
    await created.close();
    expect(await detectDiskImageFormat(file)).toBe(format);
    const opened = await openDiskImage(file);
    const expected = {
      raw: RawImage,
      'vmdk-flat': VmdkFlatImage,
      'vmdk-vmfs': VmdkFlatImage,
      'vmdk-sparse': VmdkSparseImage,
      'vmdk-stream-optimized': StreamOptimizedReader,
    }[format];
    expect(opened).toBeInstanceOf(expected);
    expect(opened.readOnly).toBe(format === 'vmdk-stream-optimized');
    expect((await opened.read(0, 512)).every((b) => b === 1)).toBe(true);
    await opened.close();
  });

  it('returns a sequential writer for streamOptimized', async () => {
    const writer = await createDiskImage(path.join(dir, 's.vmdk'), 'vmdk-stream-optimized', MiB);
    expect(writer).toBeInstanceOf(StreamOptimizedWriter);
    await writer.close();
  });

  it('refuses capacities that are not whole sectors', async () => {
    await expect(createDiskImage(path.join(dir, 'x.raw'), 'raw', 1000)).rejects.toThrow(RangeError);
    await expect(createDiskImage(path.join(dir, 'x.vmdk'), 'vmdk-sparse', 0)).rejects.toThrow(RangeError);
  });

  it('names the problem for a cut-off sparse header and for ESX COWD extents', async () => {
    const cut = path.join(dir, 'cut.vmdk');
    await fsp.writeFile(cut, Buffer.from('KDMV\x01\x00\x00\x00', 'latin1'));
    const err = await detectDiskImageFormat(cut).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiskFormatError);
    expect((err as DiskFormatError).offset).toBe(8);
    const cowd = path.join(dir, 'cowd.vmdk');
    await fsp.writeFile(cowd, Buffer.concat([Buffer.from('COWD'), Buffer.alloc(508)]));
    await expect(openDiskImage(cowd)).rejects.toThrow(/COWD/);
  });

  it('treats a file with no recognised signature as raw', async () => {
    const file = path.join(dir, 'plain.img');
    await fsp.writeFile(file, Buffer.alloc(4096, 0x33));
    expect(await detectDiskImageFormat(file)).toBe('raw');
  });
});
