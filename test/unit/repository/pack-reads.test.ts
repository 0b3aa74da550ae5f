import { promises as fsp } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeIndex, INDEX_PREFIX } from '../../../electron/repository/chunk-index';
import type { BlobEntry } from '../../../electron/repository/pack-format';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { RepositoryCorruptError } from '../../../electron/repository/repository-errors';
import { Repository } from '../../../electron/repository/repository';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from './repository-fixtures';

const MiB = 1024 * 1024;
const CAPACITY = 12 * MiB;

/** A repository holding one point of 12 distinct 1 MiB chunks, all in one pack. */
async function twelveChunkPoint(dir: string): Promise<string> {
  const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
  const img = new MemoryDiskImage(CAPACITY);
  await img.write(0, patternBytes(CAPACITY, 7));
  const writer = repo.beginPoint(pointMeta());
  await copyImage(img, writer.addDisk(diskMeta(2000, CAPACITY)));
  return (await writer.commit()).manifest.id;
}

describe('chunk reads from packs', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(async () => {
    vi.restoreAllMocks();
    await cleanup();
  });

  it('opens a pack once for many chunk reads, not once per chunk', async () => {
    const id = await twelveChunkPoint(dir);
    const backend = new LocalFolderBackend(dir);
    const repo = await Repository.open(backend, 'pw', { cacheChunks: 1 });
    const disk = (await repo.openPoint(id)).disk(2000);
    const opens = vi.spyOn(fsp, 'open');
    for (let pos = 0; pos < CAPACITY; pos += MiB) {
      expect((await disk.read(pos, MiB)).equals(patternBytes(CAPACITY, 7).subarray(pos, pos + MiB))).toBe(true);
    }
    expect(opens.mock.calls.filter(([path]) => String(path).includes('/packs/'))).toHaveLength(1);
    backend.closeHandles();
  });

  it('a deleted pack is not read through a handle kept open', async () => {
    const id = await twelveChunkPoint(dir);
    const backend = new LocalFolderBackend(dir);
    const repo = await Repository.open(backend, 'pw', { cacheChunks: 1 });
    const disk = (await repo.openPoint(id)).disk(2000);
    await disk.read(0, MiB);
    const [pack] = await backend.list('packs/');
    await backend.delete(pack!.name);
    await expect(disk.read(MiB, MiB)).rejects.toThrow(/missing from the repository/);
  });

  it('a read of one whole chunk is a view of the decoded chunk, neither assembled nor copied', async () => {
    const id = await twelveChunkPoint(dir);
    const repo = await Repository.open(new LocalFolderBackend(dir), 'pw', { cacheChunks: 4 });
    const disk = (await repo.openPoint(id)).disk(2000);
    expect(disk.naturalIoBytes).toBe(MiB);
    const first = await disk.read(3 * MiB, MiB);
    const again = await disk.read(3 * MiB, MiB);
    expect(again.buffer).toBe(first.buffer);
    expect(first.equals(patternBytes(CAPACITY, 7).subarray(3 * MiB, 4 * MiB))).toBe(true);
  });

  it('a read over chunks and holes zero-fills the holes itself (its buffer starts uninitialised)', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const img = new MemoryDiskImage(CAPACITY);
    const expected = Buffer.alloc(CAPACITY);
    // Data, then an unwritten MiB and a written all-zero MiB (no chunk for either), then data.
    for (const at of [0, 3 * MiB]) {
      const bytes = patternBytes(MiB, at + 1);
      await img.write(at, bytes);
      bytes.copy(expected, at);
    }
    await img.write(2 * MiB, Buffer.alloc(MiB));
    const writer = repo.beginPoint(pointMeta());
    await copyImage(img, writer.addDisk(diskMeta(2000, CAPACITY)));
    const id = (await writer.commit()).manifest.id;
    const disk = (await repo.openPoint(id)).disk(2000);
    // Memory handed out dirty, as Buffer.allocUnsafe may.
    const unsafe = Buffer.allocUnsafe.bind(Buffer);
    vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((n: number) => unsafe(n).fill(0xaa));
    const read = await disk.read(512 * 1024, 4 * MiB);
    expect(read.equals(expected.subarray(512 * 1024, 512 * 1024 + 4 * MiB))).toBe(true);
  });

  it('reads sealed chunks into buffers it reuses instead of a new buffer per chunk', async () => {
    const id = await twelveChunkPoint(dir);
    const backend = new LocalFolderBackend(dir);
    const repo = await Repository.open(backend, 'pw', { cacheChunks: 1 });
    const disk = (await repo.openPoint(id)).disk(2000);
    const reads = vi.spyOn(backend, 'getRange');
    for (let pos = 0; pos < CAPACITY; pos += MiB) {
      expect((await disk.read(pos, MiB)).equals(patternBytes(CAPACITY, 7).subarray(pos, pos + MiB))).toBe(true);
    }
    const into = reads.mock.calls.filter(([name]) => name.startsWith('packs/')).map((call) => call[3]?.buffer);
    expect(into).toHaveLength(12);
    expect(into.every((b) => b !== undefined)).toBe(true);
    expect(new Set(into).size).toBe(1);
    backend.closeHandles();
  });

  it('does not hash a chunk again on read: AES-GCM already authenticated it', async () => {
    const id = await twelveChunkPoint(dir);
    const repo = await Repository.open(new LocalFolderBackend(dir), 'pw', { cacheChunks: 1 });
    const disk = (await repo.openPoint(id)).disk(2000);
    const hashed = vi.spyOn(repo.keys, 'chunkId');
    expect((await disk.read(0, CAPACITY)).equals(patternBytes(CAPACITY, 7))).toBe(true);
    expect(hashed).not.toHaveBeenCalled();
  });

  it('an index that points a chunk at another chunk’s blob fails authentication (why the hash is redundant)', async () => {
    const id = await twelveChunkPoint(dir);
    const backend = new LocalFolderBackend(dir);
    const repo = await Repository.open(backend, 'pw');
    const manifest = await repo.loadPoint(id);
    const run = manifest.disks[0]!.blockMap[0]!;
    const [first, second] = (run.kind === 'data' ? run.chunks : []) as string[];
    const pack = [...repo.index.packs.values()][0]!;
    const secondBlob = pack.blobs.find(([b]) => b === second)!;
    // The first chunk's entry now names the second chunk's blob.
    const swapped = pack.blobs.map((entry): BlobEntry =>
      entry[0] === first ? [first, secondBlob[1], secondBlob[2], secondBlob[3]] : entry,
    );
    for (const obj of await backend.list(INDEX_PREFIX)) await backend.delete(obj.name);
    const crafted = encodeIndex(repo.keys, [{ ...pack, blobs: swapped }]);
    await backend.put(crafted.name, crafted.data);

    const reopened = await Repository.open(new LocalFolderBackend(dir), 'pw');
    const disk = (await reopened.openPoint(id)).disk(2000);
    const err = await disk.read(0, MiB).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepositoryCorruptError);
    expect((err as Error).message).toMatch(/failed authentication/);
    expect((await disk.read(MiB, MiB)).equals(patternBytes(CAPACITY, 7).subarray(MiB, 2 * MiB))).toBe(true);
  });
});

describe('chunk writes', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(async () => {
    vi.restoreAllMocks();
    await cleanup();
  });

  it('hashes each new chunk once: the check after encryption compares the plain bytes instead', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const hashed = vi.spyOn(repo.keys, 'chunkId');
    const img = new MemoryDiskImage(CAPACITY);
    await img.write(0, patternBytes(CAPACITY, 11));
    const writer = repo.beginPoint(pointMeta());
    await copyImage(img, writer.addDisk(diskMeta(2000, CAPACITY)));
    const { chunksWritten } = await writer.commit();
    expect(chunksWritten).toBe(12);
    expect(hashed).toHaveBeenCalledTimes(12);
  });
});
