import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from './repository-fixtures';

const MiB = 1024 * 1024;

describe('listing restore points', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(async () => {
    vi.restoreAllMocks();
    await cleanup();
  });

  it('lists the points folder once however many points there are (not once more per point)', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      const img = new MemoryDiskImage(MiB);
      await img.write(0, patternBytes(MiB, i + 1));
      const writer = repo.beginPoint(pointMeta());
      await copyImage(img, writer.addDisk(diskMeta(2000, MiB)));
      made.push((await writer.commit()).manifest.id);
    }
    const backend = new LocalFolderBackend(dir);
    const reopened = await Repository.open(backend, 'pw');
    const lists = vi.spyOn(backend, 'list');
    const points = await reopened.listPoints();
    expect(points.map((p) => p.id)).toEqual(made);
    expect(lists.mock.calls.filter(([prefix]) => prefix.startsWith('points'))).toHaveLength(1);
  });
});
