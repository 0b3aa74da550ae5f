import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { sealChunkChecked } from '../../../electron/repository/pack-format';
import { UPLOADS_IN_FLIGHT } from '../../../electron/repository/pack-writer';
import { Repository } from '../../../electron/repository/repository';
import { RepositoryKeys } from '../../../electron/repository/repository-keys';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import { patternBytes } from './memory-disk-image';
import { TEST_KDF, diskMeta, pointMeta, tempDir } from './repository-fixtures';

const MiB = 1024 * 1024;

/** Keys whose encryption key reads back wrong every other time: what a flaky RAM bit does to a sealed chunk. */
function flakyKeys(): RepositoryKeys {
  const keys = RepositoryKeys.generate();
  const good = Buffer.from(keys.encryption);
  let reads = 0;
  Object.defineProperty(keys, 'encryption', {
    get: () => {
      const k = Buffer.from(good);
      if (reads++ % 2 === 1) k[0] = k[0]! ^ 0x04;
      return k;
    },
  });
  return keys;
}

describe('write durability', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('a long backup writes index objects as it goes: after a crash its packs are reused, not orphans', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF, packTarget: MiB, indexEveryPacks: 2 });
    const w = repo.beginPoint(pointMeta());
    const slots = 12;
    const disk = w.addDisk(diskMeta(2000, slots * MiB));
    for (let slot = 0; slot < slots; slot++) await disk.writeRange(slot * MiB, patternBytes(MiB, 700 + slot));
    // The process dies here: no commit, no final index, no manifest. What a crash can lose is bounded:
    // the packs still being written (UPLOADS_IN_FLIGHT) and the ones written since the last index object.
    const reopened = await Repository.open(new LocalFolderBackend(dir), 'pw', { packTarget: MiB });
    const orphans = (await verifyRepository(reopened)).warnings.filter((x) => /no index names this pack/.test(x.problem));
    const packs = (await reopened.backend.list('packs/')).length;
    expect(packs).toBeGreaterThanOrEqual(slots - UPLOADS_IN_FLIGHT);
    expect(orphans.length).toBeLessThanOrEqual(1 + UPLOADS_IN_FLIGHT);

    const again = reopened.beginPoint(pointMeta());
    const d2 = again.addDisk(diskMeta(2000, slots * MiB));
    for (let slot = 0; slot < slots; slot++) await d2.writeRange(slot * MiB, patternBytes(MiB, 700 + slot));
    const result = await again.commit();
    expect(result.chunksDeduplicated).toBeGreaterThanOrEqual(slots - UPLOADS_IN_FLIGHT - 2);
    const point = await reopened.openPoint(result.manifest.id);
    expect((await point.disk(2000).read(3 * MiB, MiB)).equals(patternBytes(MiB, 703))).toBe(true);
  });

  it('each sealed chunk is opened again before it goes into a pack; a bad seal stops the write', () => {
    const keys = flakyKeys();
    const plain = patternBytes(64 * 1024, 9);
    expect(() => sealChunkChecked(keys, keys.chunkId(plain), plain)).toThrow(/failed its check after encryption/);
    const good = RepositoryKeys.generate();
    expect(sealChunkChecked(good, good.chunkId(plain), plain).length).toBeGreaterThan(28);
  });
});
