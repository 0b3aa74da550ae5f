import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { pruneRepository } from '../../../electron/repository/repository-prune';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from './repository-fixtures';

const MiB = 1024 * 1024;

/** A local folder whose writes or deletes of chosen objects fail, like a crash at that step. */
class FailingBackend extends LocalFolderBackend {
  failPut: RegExp | null = null;
  failDelete: RegExp | null = null;
  override async put(name: string, data: Buffer): Promise<void> {
    if (this.failPut?.test(name)) throw new Error(`simulated crash writing ${name}`);
    return super.put(name, data);
  }
  override async delete(name: string): Promise<void> {
    if (this.failDelete?.test(name)) throw new Error(`simulated crash deleting ${name}`);
    return super.delete(name);
  }
}

async function setup(
  dir: string,
): Promise<{ backend: FailingBackend; repo: Repository; keep: { id: string; img: MemoryDiskImage } }> {
  const backend = new FailingBackend(dir);
  const repo = await Repository.init(backend, 'pw', { kdf: TEST_KDF, packTarget: 3 * MiB });
  const points: Array<{ id: string; img: MemoryDiskImage }> = [];
  for (let n = 0; n < 2; n++) {
    const img = new MemoryDiskImage(4 * MiB);
    await img.write(0, patternBytes(MiB, 50));
    await img.write(MiB, patternBytes(2 * MiB, 60 + n));
    const w = repo.beginPoint(pointMeta());
    await copyImage(img, w.addDisk(diskMeta(2000, img.capacity)));
    points.push({ id: (await w.commit()).manifest.id, img });
  }
  await repo.forget(points[0]!.id);
  return { backend, repo, keep: points[1]! };
}

async function assertIntact(dir: string, keep: { id: string; img: MemoryDiskImage }): Promise<void> {
  const repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
  const disk = (await repo.openPoint(keep.id)).disk(2000);
  expect((await disk.read(0, disk.capacity)).equals(keep.img.bytes)).toBe(true);
  expect((await verifyRepository(repo, { readData: true })).problems).toEqual([]);
}

describe('prune interrupted at each step', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  for (const step of [
    { name: 'writing the new packs', put: /^packs\//, del: null },
    { name: 'writing the new index', put: /^index\//, del: null },
    { name: 'deleting old indexes', put: null, del: /^index\// },
    { name: 'deleting old packs', put: null, del: /^packs\// },
  ]) {
    it(`leaves every point readable when it stops while ${step.name}, and a later prune finishes`, async () => {
      const { backend, repo, keep } = await setup(dir);
      const before = (await backend.list('packs/')).reduce((s, p) => s + p.size, 0);
      backend.failPut = step.put;
      backend.failDelete = step.del;
      await expect(pruneRepository(repo, { packTarget: 3 * MiB })).rejects.toThrow(/simulated crash/);
      await assertIntact(dir, keep);
      const report = await pruneRepository(await Repository.open(new LocalFolderBackend(dir), 'pw'));
      expect(report.bytesAfter).toBeLessThan(before - 1.5 * MiB);
      await assertIntact(dir, keep);
    });
  }
});
