import { mkdir, open as openFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { repairIndex } from '../../../electron/repository/repository-repair';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from './repository-fixtures';

const MiB = 1024 * 1024;

/** Three points with no chunk in common, each committed with its own index object. */
async function threePoints(dir: string): Promise<{ ids: string[]; images: MemoryDiskImage[]; indexes: string[] }> {
  const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF, packTarget: MiB });
  const ids: string[] = [];
  const images: MemoryDiskImage[] = [];
  const indexes: string[] = [];
  for (let n = 0; n < 3; n++) {
    const img = new MemoryDiskImage(2 * MiB);
    await img.write(0, patternBytes(2 * MiB, 300 + n));
    const w = repo.beginPoint(pointMeta({ vm: { ...pointMeta().vm, name: `vm-${n}` } }));
    await copyImage(img, w.addDisk(diskMeta(2000, img.capacity)));
    const before = new Set((await repo.backend.list('index/')).map((o) => o.name));
    ids.push((await w.commit()).manifest.id);
    indexes.push((await repo.backend.list('index/')).map((o) => o.name).find((n) => !before.has(n))!);
    images.push(img);
  }
  return { ids, images, indexes };
}

async function flipByte(file: string, at: number): Promise<void> {
  const h = await openFile(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await h.read(b, 0, 1, at);
    b[0] = b[0]! ^ 0x01;
    await h.write(b, 0, 1, at);
  } finally {
    await h.close();
  }
}

async function restorable(repo: Repository, id: string, expected: MemoryDiskImage): Promise<boolean> {
  try {
    const disk = (await repo.openPoint(id)).disk(2000);
    return (await disk.read(0, disk.capacity)).equals(expected.bytes);
  } catch {
    return false;
  }
}

describe('damaged indexes and manifests stay local', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('one flipped byte in one index: the other points restore, and repair brings the last one back', async () => {
    const { ids, images, indexes } = await threePoints(dir);
    await flipByte(join(dir, ...indexes[1]!.split('/')), 40);
    const repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
    expect(repo.damagedIndexes.map((d) => d.object)).toEqual([indexes[1]]);
    expect(await restorable(repo, ids[0]!, images[0]!)).toBe(true);
    expect(await restorable(repo, ids[2]!, images[2]!)).toBe(true);
    await expect((await repo.openPoint(ids[1]!)).disk(2000).read(0, MiB)).rejects.toThrow(/lifeboat repo repair/);

    const report = await repairIndex(repo);
    expect(report.unrecoverablePoints).toEqual([]);
    expect(report.indexesRemoved).toContain(indexes[1]);
    const repaired = await Repository.open(new LocalFolderBackend(dir), 'pw');
    expect(repaired.damagedIndexes).toEqual([]);
    for (let n = 0; n < 3; n++) expect(await restorable(repaired, ids[n]!, images[n]!)).toBe(true);
    expect((await verifyRepository(repaired, { readData: true })).ok).toBe(true);
  });

  it('a junk file in index/ is reported and skipped; every point restores', async () => {
    const { ids, images } = await threePoints(dir);
    await writeFile(join(dir, 'index', 'a'.repeat(64)), 'not an index');
    await writeFile(join(dir, 'index', 'README.txt'), 'someone left notes here');
    const repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
    expect(repo.damagedIndexes.map((d) => d.object).sort()).toEqual(['index/README.txt', `index/${'a'.repeat(64)}`]);
    for (let n = 0; n < 3; n++) expect(await restorable(repo, ids[n]!, images[n]!)).toBe(true);
  });

  it('one bad manifest: the others are listed, the bad one is reported by name', async () => {
    const { ids } = await threePoints(dir);
    await flipByte(join(dir, 'points', ids[0]!), 30);
    await mkdir(join(dir, 'points'), { recursive: true });
    const repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
    const scan = await repo.scanPoints();
    expect(scan.points.map((p) => p.id).sort()).toEqual([ids[1]!, ids[2]!].sort());
    expect(scan.damaged).toEqual([{ object: `points/${ids[0]}`, problem: expect.stringMatching(/authentication/) }]);
    expect((await repo.listPoints()).map((p) => p.id).sort()).toEqual([ids[1]!, ids[2]!].sort());
  });

  it('repair rebuilds the index from the packs after every index is lost, and names the points a damaged pack took', async () => {
    const { ids, images, indexes } = await threePoints(dir);
    for (const name of indexes) await writeFile(join(dir, ...name.split('/')), 'gone');
    let repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
    const victimPack = (await repo.backend.list('packs/'))[0]!;
    // Damage the pack's header (its last bytes): its chunks cannot be found again.
    await flipByte(join(dir, ...victimPack.name.split('/')), victimPack.size - 10);
    const report = await repairIndex(repo);
    expect(report.damagedPacks.map((p) => p.object)).toEqual([victimPack.name]);
    expect(report.packsIndexed).toBe((await repo.backend.list('packs/')).length - 1);
    repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
    const lost = report.unrecoverablePoints.map((p) => p.id);
    expect(lost.length).toBeGreaterThanOrEqual(1);
    for (let n = 0; n < 3; n++) expect(await restorable(repo, ids[n]!, images[n]!)).toBe(!lost.includes(ids[n]!));
  });
});
