import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, folderBytes, pointMeta, tempDir } from './repository-fixtures';

const MiB = 1024 * 1024;

/** 6 MiB + 3 sectors: data, holes, an all-zero allocated area, a partial last chunk. */
async function sampleImage(): Promise<MemoryDiskImage> {
  const img = new MemoryDiskImage(6 * MiB + 3 * 512);
  await img.write(0, patternBytes(MiB + MiB / 2, 1));
  await img.write(2 * MiB + 64 * 1024, patternBytes(64 * 1024, 2));
  await img.write(5 * MiB, patternBytes(MiB + 3 * 512, 3));
  return img;
}

describe('restore point write and read', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('reads a point back byte-identical with the same extents and manifest facts', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const img = await sampleImage();
    const writer = repo.beginPoint(pointMeta());
    await copyImage(img, writer.addDisk(diskMeta(2000, img.capacity)));
    await writer.setNvram('web-01.nvram', patternBytes(8 * 1024, 9));
    const { manifest } = await writer.commit();

    const reopened = await Repository.open(new LocalFolderBackend(dir), 'pw');
    const point = await reopened.openPoint(manifest.id.slice(0, 6));
    const disk = point.disk(2000);
    expect(disk.capacity).toBe(img.capacity);
    expect((await disk.read(0, img.capacity)).equals(img.bytes)).toBe(true);
    expect(await disk.extents()).toEqual(await img.extents());
    expect(await disk.extents(MiB, 2 * MiB)).toEqual(await img.extents(MiB, 2 * MiB));
    expect(
      (await disk.read(2 * MiB + 32 * 1024, 128 * 1024)).equals(img.bytes.subarray(2 * MiB + 32 * 1024, 2 * MiB + 160 * 1024)),
    ).toBe(true);
    await expect(disk.write()).rejects.toThrow(/read-only/);

    const m = point.manifest;
    expect(m.vm.instanceUuid).toBe('5003aaaa-bbbb-cccc-dddd-eeeeffff0001');
    expect(m.firmware).toBe('efi');
    expect(m.encryptionBundle).toBe('bundle-text');
    expect(m.skippedIndependentDisks).toHaveLength(1);
    const d = m.disks[0]!;
    expect(Buffer.from(d.sector0, 'base64').equals(img.bytes.subarray(0, 512))).toBe(true);
    expect(Buffer.from(d.gptHeader, 'base64').equals(img.bytes.subarray(512, 1024))).toBe(true);
    expect(d.allocatedBytes).toBe(MiB + MiB / 2 + 64 * 1024 + MiB + 3 * 512);
    expect(d.blockMap.map((r) => r.kind)).toEqual(['data', 'unallocated', 'data', 'unallocated', 'data']);
    expect((await point.readNvram())!.data.equals(patternBytes(8 * 1024, 9))).toBe(true);
  });

  it('records zero and unallocated areas distinctly and stores no all-zero chunk', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const writer = repo.beginPoint(pointMeta());
    const disk = writer.addDisk(diskMeta(2000, 4 * MiB));
    await disk.writeRange(0, Buffer.alloc(2 * MiB));
    await disk.markZero(2 * MiB, MiB);
    const { manifest, chunksWritten } = await writer.commit();
    expect(chunksWritten).toBe(0);
    expect(manifest.disks[0]!.blockMap).toEqual([
      { offset: 0, length: 2 * MiB, kind: 'data', chunks: [null, null] },
      { offset: 2 * MiB, length: MiB, kind: 'zero' },
      { offset: 3 * MiB, length: MiB, kind: 'unallocated' },
    ]);
    const image = (await repo.openPoint(manifest.id)).disk(2000);
    expect(await image.extents()).toEqual([{ offset: 0, length: 4 * MiB, kind: 'zero' }]);
    expect((await image.read(0, 4 * MiB)).equals(Buffer.alloc(4 * MiB))).toBe(true);
  });

  it('adds almost nothing for a second identical full (dedup)', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const img = await sampleImage();
    const first = repo.beginPoint(pointMeta());
    await copyImage(img, first.addDisk(diskMeta(2000, img.capacity)));
    await first.commit();
    const before = await folderBytes(dir);
    const second = repo.beginPoint(pointMeta());
    await copyImage(img, second.addDisk(diskMeta(2000, img.capacity)));
    const result = await second.commit();
    const manifestBytes = (await repo.backend.size(`points/${result.manifest.id}`))!;
    expect(result.chunksWritten).toBe(0);
    expect(await folderBytes(dir)).toBeLessThan(before + manifestBytes + 2048);
    expect(before).toBeGreaterThan(2.5 * MiB);
  });

  it('builds a complete incremental from inherited ranges plus changed areas', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const img = await sampleImage();
    const full = repo.beginPoint(pointMeta());
    await copyImage(img, full.addDisk(diskMeta(2000, img.capacity)));
    const parent = (await full.commit()).manifest;

    // Change two 64 KiB CBT areas (one in existing data, one in a hole) and sector 0.
    const changes = [
      { offset: 0, data: patternBytes(64 * 1024, 20) },
      { offset: 256 * 1024, data: patternBytes(64 * 1024, 21) },
      { offset: 4 * MiB + 128 * 1024, data: patternBytes(64 * 1024, 22) },
    ];
    for (const c of changes) await img.write(c.offset, c.data);
    const inc = repo.beginPoint(pointMeta({ kind: 'incremental', parentPointId: parent.id }));
    const disk = inc.addDisk({ ...diskMeta(2000, img.capacity), changeId: '52 1a 2b 3c/13' });
    await disk.inheritRange(parent.id, 2000, 0, img.capacity);
    for (const c of changes) await disk.writeRange(c.offset, c.data);
    const result = await inc.commit();
    expect(result.bytesAdded).toBeLessThan(3 * MiB);

    const read = (await repo.openPoint(result.manifest.id)).disk(2000);
    expect((await read.read(0, img.capacity)).equals(img.bytes)).toBe(true);
    expect(await read.extents()).toEqual(await img.extents());
    expect(Buffer.from(result.manifest.disks[0]!.sector0, 'base64').equals(img.bytes.subarray(0, 512))).toBe(true);
    // The parent is unchanged.
    const old = (await repo.openPoint(parent.id)).disk(2000);
    expect((await old.read(0, 64 * 1024)).equals(patternBytes(64 * 1024, 1))).toBe(true);
  });

  it('writes several disks at once into shared packs with a small pack size', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF, packTarget: 512 * 1024 });
    const a = await sampleImage();
    const b = new MemoryDiskImage(3 * MiB);
    await b.write(512 * 1024, patternBytes(2 * MiB, 7));
    const writer = repo.beginPoint(pointMeta());
    await Promise.all([
      copyImage(a, writer.addDisk(diskMeta(2000, a.capacity)), 256 * 1024),
      copyImage(b, writer.addDisk(diskMeta(2001, b.capacity)), 200 * 1024),
    ]);
    const { manifest } = await writer.commit();
    expect((await repo.stats()).packs).toBeGreaterThan(2);
    const point = await repo.openPoint(manifest.id);
    expect((await point.disk(2000).read(0, a.capacity)).equals(a.bytes)).toBe(true);
    expect((await point.disk(2001).read(0, b.capacity)).equals(b.bytes)).toBe(true);
    expect(() => point.disk(2005)).toThrow(/no disk with key 2005/);
  });
});
