import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskFormatError } from '../../../electron/disks/disk-image';
import { detectDiskImageFormat } from '../../../electron/disks/open-disk-image';
import { StreamOptimizedReader } from '../../../electron/disks/stream-optimized-reader';
import { StreamOptimizedWriter } from '../../../electron/disks/stream-optimized-writer';
import { KiB, MiB, patternBytes, tempDir } from './disk-fixtures';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('stream');
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function formatError(promise: Promise<unknown>): Promise<DiskFormatError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiskFormatError);
  return err as DiskFormatError;
}

/** Layout facts of a small stream file with one data grain at 64 KiB. */
async function oneGrainStream(file: string): Promise<{ data: Buffer; markerAt: number }> {
  const writer = await StreamOptimizedWriter.create(file, MiB);
  const data = patternBytes(64 * KiB, 11);
  await writer.write(64 * KiB, data);
  await writer.close();
  // The first grain record follows the header, descriptor and padding (overhead 128 sectors).
  return { data, markerAt: 128 * 512 };
}

describe('streamOptimized writer and reader', () => {
  it('round-trips data across several grain tables; zero grains are not stored', async () => {
    const file = path.join(dir, 'export.vmdk');
    const capacity = 70 * MiB;
    const writer = await StreamOptimizedWriter.create(file, capacity, { compressionLevel: 1 });
    const a = patternBytes(96 * KiB, 1);
    const b = patternBytes(33 * KiB - 512 * 2, 2);
    await writer.write(MiB, a);
    await writer.write(10 * MiB, Buffer.alloc(4 * MiB));
    await writer.write(35 * MiB + 512, b);
    await writer.write(capacity - 512, Buffer.alloc(512, 0xff));
    expect((await writer.extents(MiB, 64 * KiB))[0]?.kind).toBe('data');
    await writer.close();
    expect(await detectDiskImageFormat(file)).toBe('vmdk-stream-optimized');

    const reader = await StreamOptimizedReader.open(file);
    expect(reader.capacity).toBe(capacity);
    expect(reader.descriptor?.createType).toBe('streamOptimized');
    expect((await reader.read(MiB, a.length)).equals(a)).toBe(true);
    expect((await reader.read(35 * MiB + 512, b.length)).equals(b)).toBe(true);
    expect((await reader.read(capacity - 512, 512)).every((x) => x === 0xff)).toBe(true);
    const data = (await reader.extents()).filter((e) => e.kind === 'data');
    expect(data).toEqual([
      { offset: MiB, length: 128 * KiB, kind: 'data' },
      { offset: 35 * MiB, length: 64 * KiB, kind: 'data' },
      { offset: capacity - 64 * KiB, length: 64 * KiB, kind: 'data' },
    ]);
    await expect(reader.write()).rejects.toThrow(/read-only/);
    await reader.close();
  });

  it('accepts any order inside one grain table span but refuses to go back before it', async () => {
    const file = path.join(dir, 'order.vmdk');
    const writer = await StreamOptimizedWriter.create(file, 80 * MiB);
    await writer.write(2 * MiB, Buffer.alloc(512, 2));
    await writer.write(1 * MiB, Buffer.alloc(512, 1));
    await writer.write(40 * MiB, Buffer.alloc(512, 3));
    await expect(writer.write(3 * MiB, Buffer.alloc(512, 4))).rejects.toThrow(/sequential/);
    await expect(writer.read()).rejects.toThrow(/cannot be read/);
    await writer.close();
    const reader = await StreamOptimizedReader.open(file);
    expect((await reader.read(MiB, 512)).every((x) => x === 1)).toBe(true);
    expect((await reader.read(2 * MiB, 512)).every((x) => x === 2)).toBe(true);
    expect((await reader.read(40 * MiB, 512)).every((x) => x === 3)).toBe(true);
    expect((await reader.read(3 * MiB, 512)).every((x) => x === 0)).toBe(true);
    await reader.close();
  });

  it('reads old-style files whose header holds the grain directory offset and that have no footer', async () => {
    const file = path.join(dir, 'old-style.vmdk');
    const { data } = await oneGrainStream(file);
    const bytes = await fsp.readFile(file);
    const footer = bytes.subarray(bytes.length - 1024, bytes.length - 512);
    footer.copy(bytes, 56, 56, 64);
    await fsp.writeFile(file, bytes.subarray(0, bytes.length - 1536));
    const reader = await StreamOptimizedReader.open(file);
    expect((await reader.read(64 * KiB, 64 * KiB)).equals(data)).toBe(true);
    await reader.close();
  });

  describe('bad input', () => {
    it('names the footer when the file is cut short', async () => {
      const file = path.join(dir, 'cut.vmdk');
      await oneGrainStream(file);
      const size = (await fsp.stat(file)).size;
      await fsp.truncate(file, size - 700);
      const err = await formatError(StreamOptimizedReader.open(file));
      expect(err.offset).toBe(size - 700 - 1024);
    });

    it('names the grain marker whose sector does not match the grain table', async () => {
      const file = path.join(dir, 'lba.vmdk');
      const { markerAt } = await oneGrainStream(file);
      const h = await fsp.open(file, 'r+');
      await h.write(Buffer.from([0x99]), 0, 1, markerAt);
      await h.close();
      const reader = await StreamOptimizedReader.open(file);
      const err = await formatError(reader.read(64 * KiB, 512));
      expect(err.offset).toBe(markerAt);
      expect(err.problem).toMatch(/grain marker says sector/);
      await reader.close();
    });

    it('names the compressed bytes that do not inflate', async () => {
      const file = path.join(dir, 'deflate.vmdk');
      const { markerAt } = await oneGrainStream(file);
      const h = await fsp.open(file, 'r+');
      await h.write(Buffer.alloc(64, 0xff), 0, 64, markerAt + 12);
      await h.close();
      const reader = await StreamOptimizedReader.open(file);
      const err = await formatError(reader.read(64 * KiB, 512));
      expect(err.offset).toBe(markerAt + 12);
      expect(err.problem).toMatch(/does not decompress/);
      await reader.close();
    });

    it('names an implausible compressed size', async () => {
      const file = path.join(dir, 'size.vmdk');
      const { markerAt } = await oneGrainStream(file);
      const h = await fsp.open(file, 'r+');
      const size = Buffer.alloc(4);
      size.writeUInt32LE(0x7fffffff, 0);
      await h.write(size, 0, 4, markerAt + 8);
      await h.close();
      const reader = await StreamOptimizedReader.open(file);
      expect((await formatError(reader.read(64 * KiB, 512))).offset).toBe(markerAt + 8);
      await reader.close();
    });
  });
});
