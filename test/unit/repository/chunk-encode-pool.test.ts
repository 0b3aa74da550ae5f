import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkEncodePool } from '../../../electron/repository/chunk-encode-pool';
import { openAuthenticatedChunk } from '../../../electron/repository/chunk-open';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import { patternBytes } from './memory-disk-image';
import { TEST_KDF, diskMeta, pointMeta, tempDir } from './repository-fixtures';

// The compiled worker (npm test builds first); from TypeScript sources the pool has no script of its own.
const WORKER = resolve(__dirname, '../../../dist/electron/repository/chunk-encode-worker.js');
const MiB = 1024 * 1024;

/** 24 MiB of slots: noise, a compressible run, zeros, and duplicates of earlier slots (dedup inside one point). */
function slotData(slot: number): Buffer {
  if (slot % 6 === 2) return Buffer.alloc(MiB, 0x41 + (slot % 3));
  if (slot % 6 === 4) return Buffer.alloc(MiB);
  if (slot % 6 === 5) return patternBytes(MiB, 100 + (slot % 2));
  return patternBytes(MiB, 1000 + slot);
}

describe('chunk encode pool (compress + seal in worker threads)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let pool: ChunkEncodePool | undefined;
  beforeEach(async () => ({ dir, cleanup } = await tempDir('lifeboat-encode-')));
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await cleanup();
  });

  it('the compiled worker script exists (npm test builds it)', () => {
    expect(existsSync(WORKER)).toBe(true);
  });

  it('seals in a worker what opens under the same id on this thread', async () => {
    const key = randomBytes(32);
    pool = new ChunkEncodePool(key, { workers: 1, workerScript: WORKER });
    expect(pool.usesWorkers).toBe(true);
    const plains = [patternBytes(MiB, 5), Buffer.alloc(MiB, 7), patternBytes(300 * 1024, 6)];
    // A view into a larger buffer, as an import's 4 MiB read hands in: the caller's buffer stays usable.
    const big = Buffer.concat(plains);
    const views = [big.subarray(0, MiB), big.subarray(MiB, 2 * MiB), big.subarray(2 * MiB)];
    const sealed = await Promise.all(views.map((v, i) => pool!.seal(`${i}`.padStart(64, '0'), v)));
    expect(big.equals(Buffer.concat(plains))).toBe(true);
    sealed.forEach((s, i) => {
      expect(openAuthenticatedChunk({ encryption: key }, `${i}`.padStart(64, '0'), s, 'test').equals(plains[i]!)).toBe(true);
    });
    // The compressible chunk went in compressed.
    expect(sealed[1]!.length).toBeLessThan(MiB / 10);
  });

  it('a worker that fails a chunk fails it by name; the write does not go on', async () => {
    // A key AES-256 refuses: the worker's seal throws for every chunk.
    pool = new ChunkEncodePool(Buffer.alloc(7), { workers: 1, workerScript: WORKER });
    await expect(pool.seal('ab'.repeat(32), patternBytes(MiB, 1))).rejects.toThrow(/chunk abababababababab could not be sealed/);
  });

  it('without a loadable worker script it seals on the calling thread', async () => {
    const key = randomBytes(32);
    pool = new ChunkEncodePool(key, { workers: 2, workerScript: '/nonexistent/chunk-encode-worker.js' });
    const plain = patternBytes(MiB, 3);
    const sealed = await pool.seal('cd'.repeat(32), plain);
    expect(openAuthenticatedChunk({ encryption: key }, 'cd'.repeat(32), sealed, 'test').equals(plain)).toBe(true);
    expect(pool.usesWorkers).toBe(false);
  });

  it('a point sealed by a worker has the block map and chunk ids of one sealed on the calling thread, and reads back identical', async () => {
    await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const slots = 24;
    const write = async (encodeWorkers: number) => {
      // Small packs, so several packs are cut and written while later chunks are still being sealed.
      const repo = await Repository.open(new LocalFolderBackend(dir), 'pw', {
        encodeWorkers,
        encodeWorkerScript: WORKER,
        packTarget: 3 * MiB,
      });
      const w = repo.beginPoint(pointMeta());
      const disk = w.addDisk(diskMeta(2000, slots * MiB));
      for (let at = 0; at < slots; at += 4)
        await disk.writeRange(at * MiB, Buffer.concat([0, 1, 2, 3].map((k) => slotData(at + k))));
      return { repo, result: await w.commit() };
    };
    const inWorker = await write(1);
    const here = await write(0);
    const chunks = (r: typeof here) =>
      r.result.manifest.disks[0]!.blockMap.flatMap((run) => (run.kind === 'data' ? run.chunks : []));
    // The ids are the HMAC of each 1 MiB slot (null for zeros), whichever thread sealed it.
    const expected = Array.from({ length: slots }, (_, s) => (s % 6 === 4 ? null : here.repo.keys.chunkId(slotData(s))));
    expect(chunks(inWorker)).toEqual(expected);
    expect(here.result.manifest.disks[0]!.blockMap).toEqual(inWorker.result.manifest.disks[0]!.blockMap);
    // Duplicates inside the point were stored once; the second point stored nothing new.
    expect(inWorker.result.chunksWritten).toBe(new Set(expected.filter((id) => id !== null)).size);
    expect(here.result.chunksWritten).toBe(0);
    const image = (await inWorker.repo.openPoint(inWorker.result.manifest.id)).disk(2000);
    for (let s = 0; s < slots; s++) expect((await image.read(s * MiB, MiB)).equals(slotData(s))).toBe(true);
    const report = await verifyRepository(inWorker.repo, { readData: true });
    expect(report.problems).toEqual([]);
  });
});
