import { open as openFile, truncate, writeFile, mkdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { encodeManifest } from '../../../electron/repository/point-store';
import { pruneRepository } from '../../../electron/repository/repository-prune';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, folderFiles, pointMeta, tempDir } from './repository-fixtures';

const MiB = 1024 * 1024;

async function repoWithPoints(dir: string): Promise<{ repo: Repository; images: MemoryDiskImage[]; ids: string[] }> {
  const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF, packTarget: MiB });
  const images: MemoryDiskImage[] = [];
  const ids: string[] = [];
  for (let n = 0; n < 2; n++) {
    const img = new MemoryDiskImage(4 * MiB);
    await img.write(0, patternBytes(MiB, 100)); // shared by both points
    await img.write(MiB, patternBytes(2 * MiB, 200 + n)); // unique per point
    const w = repo.beginPoint(pointMeta());
    await copyImage(img, w.addDisk(diskMeta(2000, img.capacity)));
    ids.push((await w.commit()).manifest.id);
    images.push(img);
  }
  return { repo, images, ids };
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

describe('verify', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('passes on a healthy repository, with and without reading data', async () => {
    const { repo } = await repoWithPoints(dir);
    const quick = await verifyRepository(repo);
    expect(quick).toMatchObject({ ok: true, points: 2, chunksRead: 0, problems: [] });
    const full = await verifyRepository(repo, { readData: true });
    expect(full.ok).toBe(true);
    expect(full.chunksRead).toBeGreaterThanOrEqual(5);
  });

  it('catches one flipped byte in every pack, at the start, middle and end, naming the pack', async () => {
    const { repo } = await repoWithPoints(dir);
    const packs = await repo.backend.list('packs/');
    expect(packs.length).toBeGreaterThanOrEqual(3);
    for (const pack of packs) {
      for (const at of [0, Math.floor(pack.size / 2), pack.size - 1]) {
        const file = join(dir, ...pack.name.split('/'));
        await flipByte(file, at);
        const report = await verifyRepository(repo, { readData: true });
        expect(report.ok, `${pack.name} byte ${at}`).toBe(false);
        expect(report.problems.every((p) => p.object === pack.name)).toBe(true);
        await flipByte(file, at);
      }
    }
    expect((await verifyRepository(repo, { readData: true })).ok).toBe(true);
  });

  it('reports a truncated pack without reading data, and restore reads fail clearly', async () => {
    const { repo, ids } = await repoWithPoints(dir);
    const pack = (await repo.backend.list('packs/'))[0]!;
    await truncate(join(dir, ...pack.name.split('/')), Math.floor(pack.size / 2));
    const report = await verifyRepository(repo);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ object: pack.name });
    expect(report.problems[0]!.problem).toMatch(/truncated/);
    const reads = ids.map(async (id) => {
      const disk = (await repo.openPoint(id)).disk(2000);
      await disk.read(0, disk.capacity);
    });
    const outcomes = await Promise.allSettled(reads);
    expect(outcomes.some((o) => o.status === 'rejected')).toBe(true);
  });

  it('reports a damaged manifest and a chunk no index lists', async () => {
    const { repo, ids } = await repoWithPoints(dir);
    await flipByte(join(dir, 'points', ids[0]!), 20);
    const idx = (await repo.backend.list('index/'))[0]!;
    await repo.backend.delete(idx.name);
    const report = await verifyRepository(repo);
    expect(report.problems.some((p) => p.object === `points/${ids[0]}` && /authentication/.test(p.problem))).toBe(true);
    expect(report.problems.some((p) => p.object === `points/${ids[1]}` && /no index lists/.test(p.problem))).toBe(true);
    expect(report.warnings.length).toBeGreaterThan(0);
  });
  it('reports a manifest whose chunk does not fit its slot, and the reader refuses it', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const img = new MemoryDiskImage(2 * MiB);
    await img.write(0, patternBytes(2 * MiB, 31));
    const w = repo.beginPoint(pointMeta());
    await copyImage(img, w.addDisk(diskMeta(2000, img.capacity)));
    await w.setNvram('vm.nvram', patternBytes(4096, 32));
    const { manifest } = await w.commit();
    // Point the first slot at the 4 KiB NVRAM chunk (a bug or tampering with the key).
    const run = manifest.disks[0]!.blockMap[0]!;
    if (run.kind !== 'data') throw new Error('expected a data run');
    run.chunks[0] = manifest.nvram!.chunks[0]!;
    await repo.backend.put(`points/${manifest.id}`, encodeManifest(repo.keys, manifest));
    const reopened = await Repository.open(new LocalFolderBackend(dir), 'pw');
    const report = await verifyRepository(reopened);
    expect(report.ok).toBe(false);
    expect(report.problems[0]!.problem).toMatch(/holds 4096 bytes, its slot 0 needs 1048576/);
    await expect((await reopened.openPoint(manifest.id)).disk(2000).read(0, MiB)).rejects.toThrow(/holds 4096 bytes/);
  });
});

describe('prune', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('removes only chunks no point references and keeps the rest readable', async () => {
    const { repo, images, ids } = await repoWithPoints(dir);
    const nothing = await pruneRepository(repo);
    expect(nothing.chunksRemoved).toBe(0);
    expect(nothing.bytesAfter).toBe(nothing.bytesBefore);

    await repo.forget(ids[0]!);
    const report = await pruneRepository(repo, { packTarget: MiB });
    expect(report.chunksRemoved).toBe(2);
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore - 1.5 * MiB);
    expect((await verifyRepository(repo, { readData: true })).ok).toBe(true);

    const reopened = await Repository.open(new LocalFolderBackend(dir), 'pw');
    const disk = (await reopened.openPoint(ids[1]!)).disk(2000);
    expect((await disk.read(0, disk.capacity)).equals(images[1]!.bytes)).toBe(true);
    expect((await reopened.backend.list('index/')).length).toBe(1);
  });

  it('removes packs no index names (left by an interrupted backup)', async () => {
    const { repo } = await repoWithPoints(dir);
    const w = repo.beginPoint(pointMeta());
    await w.addDisk(diskMeta(2000, 2 * MiB)).writeRange(0, patternBytes(2 * MiB, 999));
    // Simulate the crash: the packs are written, the index and manifest are not.
    await (w as unknown as { ctx: { packs: { cutPack(): Promise<void> } } }).ctx.packs.cutPack();
    // While the backup runs, its lock keeps prune away from those packs.
    await expect(pruneRepository(await Repository.open(new LocalFolderBackend(dir), 'pw'))).rejects.toThrow(
      /the repository is in use: backup of web-01/,
    );
    await w.abort();
    const packsBefore = (await repo.backend.list('packs/')).length;
    const orphans = (await verifyRepository(await Repository.open(new LocalFolderBackend(dir), 'pw'))).warnings;
    expect(orphans.length).toBe(2);
    const report = await pruneRepository(await Repository.open(new LocalFolderBackend(dir), 'pw'));
    expect(report.packsDeleted).toBe(2);
    const left = await repo.backend.list('packs/');
    expect(left.length).toBe(packsBefore - 2);
    for (const o of orphans) expect(left.map((p) => p.name)).not.toContain(o.object);
  });
});

describe('crash safety', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('ignores temp files a crashed write left behind; the next write removes the old ones', async () => {
    const { repo, ids } = await repoWithPoints(dir);
    await mkdir(join(dir, 'packs', 'ff'), { recursive: true });
    const leftovers = [
      join(dir, 'packs', 'ff', `${'f'.repeat(64)}.tmp-abcdef012345`),
      join(dir, 'points', `${'0'.repeat(16)}.tmp-123456789abc`),
    ];
    const anHourAgo = new Date(Date.now() - 3600_000);
    for (const f of leftovers) {
      await writeFile(f, 'half written');
      await utimes(f, anHourAgo, anHourAgo);
    }
    // A fresh temp file may be another process's write in progress: it stays.
    const inProgress = join(dir, 'points', `${'1'.repeat(16)}.tmp-654321fedcba`);
    await writeFile(inProgress, 'being written');
    expect(await repo.pointIds()).toEqual(ids.slice().sort());
    expect((await repo.backend.list('packs/')).some((p) => p.name.includes('.tmp-'))).toBe(false);

    // Neither a wrong password nor a reader cleans anything.
    await expect(Repository.open(new LocalFolderBackend(dir), 'bad')).rejects.toThrow(/password is wrong/);
    const reopened = await Repository.open(new LocalFolderBackend(dir), 'pw');
    expect((await verifyRepository(reopened, { readData: true })).ok).toBe(true);
    expect((await folderFiles(dir)).filter((f) => f.includes('.tmp-'))).toHaveLength(3);

    const w = reopened.beginPoint(pointMeta());
    await w.addDisk(diskMeta(2000, MiB)).writeRange(0, patternBytes(MiB, 77));
    await w.commit();
    expect((await folderFiles(dir)).filter((f) => f.includes('.tmp-'))).toEqual([inProgress]);
    expect((await verifyRepository(reopened, { readData: true })).ok).toBe(true);
  });

  it('never modifies a pack once written', async () => {
    const { repo } = await repoWithPoints(dir);
    const before = await repo.backend.list('packs/');
    const img = new MemoryDiskImage(2 * MiB);
    await img.write(0, patternBytes(2 * MiB, 4242));
    const w = repo.beginPoint(pointMeta());
    await copyImage(img, w.addDisk(diskMeta(2000, img.capacity)));
    await w.commit();
    const after = await repo.backend.list('packs/');
    for (const p of before) expect(after).toContainEqual(p);
    expect(after.length).toBeGreaterThan(before.length);
  });
});
