import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { pruneRepository } from '../../../electron/repository/repository-prune';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, folderFiles, pointMeta, tempDir } from './repository-fixtures';

const MiB = 1024 * 1024;
const anHourAgo = new Date(Date.now() - 3600_000);

async function oldFile(path: string, text = 'x'): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  await utimes(path, anHourAgo, anHourAgo);
  return path;
}

/** Every file with its size and modification time: what a read-only medium would keep. */
async function snapshotTree(dir: string): Promise<string[]> {
  return Promise.all((await folderFiles(dir)).map(async (f) => `${f} ${(await stat(f)).size} ${(await stat(f)).mtimeMs}`));
}

async function onePoint(repo: Repository): Promise<string> {
  const img = new MemoryDiskImage(2 * MiB);
  await img.write(0, patternBytes(MiB, 5));
  const w = repo.beginPoint(pointMeta());
  await copyImage(img, w.addDisk(diskMeta(2000, img.capacity)));
  return (await w.commit()).manifest.id;
}

describe('temp files and the repository folder', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('open, list, verify and read change nothing on disk, even with an old leftover temp file', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const id = await onePoint(repo);
    await oldFile(join(dir, 'points', `${'0'.repeat(16)}.tmp-0123456789ab`), 'half written');
    const before = await snapshotTree(dir);

    const reopened = await Repository.open(new LocalFolderBackend(dir), 'pw');
    expect((await reopened.listPoints()).map((p) => p.id)).toEqual([id]);
    expect((await verifyRepository(reopened, { readData: true })).ok).toBe(true);
    await (await reopened.openPoint(id)).disk(2000).read(0, MiB);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('a write removes only its own old temp names in its own folders, never a user file', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    await onePoint(repo);
    const own = [
      await oldFile(join(dir, 'points', `${'0'.repeat(16)}.tmp-0123456789ab`)),
      await oldFile(join(dir, 'packs', 'ff', `${'f'.repeat(64)}.tmp-abcdefabcdef`)),
    ];
    const users = [
      await oldFile(join(dir, 'mydocs', 'thesis.tmp-final.txt'), 'my thesis'),
      await oldFile(join(dir, 'packs', 'notes.tmp-draft'), 'notes'),
      await oldFile(join(dir, 'backup.tmp-0123456789ab'), 'not ours: not a repository object name'),
    ];
    const reopened = await Repository.open(new LocalFolderBackend(dir), 'pw');
    await onePoint(reopened);
    await pruneRepository(reopened);
    const files = await folderFiles(dir);
    for (const f of users) expect(files).toContain(f);
    for (const f of own) expect(files).not.toContain(f);
  });

  it('repo init refuses a folder that already holds files', async () => {
    await oldFile(join(dir, 'mydocs', 'thesis.tmp-final.txt'), 'my thesis');
    await expect(Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF })).rejects.toThrow(/is not empty/);
    expect(await folderFiles(dir)).toEqual([join(dir, 'mydocs', 'thesis.tmp-final.txt')]);
    // An empty folder (or one that does not exist yet) is fine.
    await Repository.init(new LocalFolderBackend(join(dir, 'fresh')), 'pw', { kdf: TEST_KDF });
  });
});
