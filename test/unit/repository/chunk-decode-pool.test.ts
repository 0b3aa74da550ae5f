import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkDecodePool, type DecodeTask } from '../../../electron/repository/chunk-decode-pool';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { sealChunk } from '../../../electron/repository/pack-format';
import { RepositoryCorruptError } from '../../../electron/repository/repository-errors';
import type { RepositoryKeys } from '../../../electron/repository/repository-keys';
import { Repository } from '../../../electron/repository/repository';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from './repository-fixtures';

// The compiled worker (npm test builds first); from TypeScript sources the pool has no script of its own.
const WORKER = resolve(__dirname, '../../../dist/electron/repository/chunk-decode-worker.js');
const MiB = 1024 * 1024;

const key = randomBytes(32);
const keys = { encryption: key } as RepositoryKeys;

/** A chunk of `size` bytes (compressible when `seed` is even), its sealed form and a task that reads it. */
function chunk(n: number, size = 256 * 1024): { plain: Buffer; task: DecodeTask & { reads: number } } {
  const id = n.toString(16).padStart(64, '0');
  const plain = n % 2 === 0 ? Buffer.alloc(size, n & 0xff) : randomBytes(size);
  const sealed = sealChunk(keys, id, plain);
  const task = {
    id,
    where: `packs/00/pack-${n}`,
    rawLength: plain.length,
    reads: 0,
    read: async () => {
      task.reads++;
      // A fresh buffer each time, as a pack read gives: the pool moves it into a worker.
      return Buffer.from(sealed);
    },
  };
  return { plain, task };
}

describe('chunk decode pool', () => {
  let pool: ChunkDecodePool;
  afterEach(async () => pool?.close());

  it('the compiled worker script exists (the build ran)', () => {
    expect(existsSync(WORKER)).toBe(true);
  });

  it('gives every caller its own chunk, in worker threads, whatever order they finish in', async () => {
    pool = new ChunkDecodePool(key, { workers: 2, maxInFlight: 4, workerScript: WORKER });
    expect(pool.usesWorkers).toBe(true);
    // Big random chunks and small zero chunks interleaved: later small ones finish before earlier big ones.
    const chunks = Array.from({ length: 24 }, (_, i) => chunk(i, i % 2 ? MiB : 4096));
    const results = await Promise.all(chunks.map((c) => pool.decode(c.task)));
    results.forEach((r, i) => expect(r.equals(chunks[i]!.plain)).toBe(true));
    expect(pool.peakHeld).toBeLessThanOrEqual(4);
  });

  it('a damaged chunk fails with a repository error naming the chunk and its pack; the others still decode', async () => {
    pool = new ChunkDecodePool(key, { workers: 2, workerScript: WORKER });
    const good = chunk(1);
    const bad = chunk(2);
    const damaged = await bad.task.read();
    damaged[40] = (damaged[40] ?? 0) ^ 0xff;
    bad.task.read = async () => Buffer.from(damaged);
    const [okResult, badResult] = await Promise.allSettled([pool.decode(good.task), pool.decode(bad.task)]);
    expect(okResult.status === 'fulfilled' && okResult.value.equals(good.plain)).toBe(true);
    expect(badResult.status).toBe('rejected');
    const err = (badResult as PromiseRejectedResult).reason as RepositoryCorruptError;
    expect(err).toBeInstanceOf(RepositoryCorruptError);
    expect(err.objectName).toBe('packs/00/pack-2');
    expect(err.message).toContain(bad.task.id.slice(0, 16));
    expect(err.message).toMatch(/failed authentication/);
  });

  it('never holds more chunks than its bound, however many callers wait', async () => {
    pool = new ChunkDecodePool(key, { workers: 2, maxInFlight: 3, workerScript: WORKER });
    let reading = 0;
    let peakReading = 0;
    const chunks = Array.from({ length: 30 }, (_, i) => chunk(i));
    for (const c of chunks) {
      const read = c.task.read;
      c.task.read = async () => {
        reading++;
        peakReading = Math.max(peakReading, reading);
        // Slow storage: every caller is queued before the first read returns.
        await new Promise((r) => setImmediate(r));
        const data = await read();
        reading--;
        return data;
      };
    }
    const results = await Promise.all(chunks.map((c) => pool.decode(c.task)));
    results.forEach((r, i) => expect(r.equals(chunks[i]!.plain)).toBe(true));
    // Chunks held by the pool (being read, in a worker, or decoded and not yet handed over) never pass 3.
    expect(peakReading).toBeLessThanOrEqual(3);
    expect(pool.peakHeld).toBe(3);
  });

  it('a cancelled caller stops waiting at once; a chunk still waiting for room is never read', async () => {
    pool = new ChunkDecodePool(key, { workers: 1, maxInFlight: 1, workerScript: WORKER });
    const first = chunk(1, MiB);
    const queued = chunk(3, MiB);
    const controller = new AbortController();
    const running = pool.decode(first.task, controller.signal);
    const waiting = pool.decode(queued.task, controller.signal);
    controller.abort(new Error('stopped by the user'));
    await expect(running).rejects.toThrow('stopped by the user');
    await expect(waiting).rejects.toThrow('stopped by the user');
    expect(queued.task.reads).toBe(0);
    // The pool is still usable, and its room came back.
    const after = chunk(5);
    expect((await pool.decode(after.task)).equals(after.plain)).toBe(true);
  });

  it('decodes on the calling thread when the worker script cannot be loaded', async () => {
    pool = new ChunkDecodePool(key, { workers: 2, workerScript: '/nonexistent/chunk-decode-worker.js' });
    const chunks = Array.from({ length: 6 }, (_, i) => chunk(i));
    const results = await Promise.all(chunks.map((c) => pool.decode(c.task)));
    results.forEach((r, i) => expect(r.equals(chunks[i]!.plain)).toBe(true));
    expect(pool.usesWorkers).toBe(false);
  });

  it('with no workers asked for, decodes on the calling thread', async () => {
    pool = new ChunkDecodePool(key, { workers: 0, workerScript: WORKER });
    expect(pool.usesWorkers).toBe(false);
    const c = chunk(7);
    expect((await pool.decode(c.task)).equals(c.plain)).toBe(true);
  });

  describe('a worker that dies after it has answered', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeEach(async () => ({ dir, cleanup } = await tempDir('lifeboat-pool-')));
    afterEach(async () => cleanup());

    it('fails the chunks it held, each by its id', async () => {
      // Answers the first request with an error (so it has loaded), then exits in the middle of the second.
      const script = join(dir, 'dying-worker.js');
      await fsp.writeFile(
        script,
        `const { parentPort } = require('node:worker_threads');
         let n = 0;
         parentPort.on('message', (job) => {
           if (n++ === 0) parentPort.postMessage({ seq: job.seq, error: { message: 'not this one' } });
           else process.exit(3);
         });`,
      );
      pool = new ChunkDecodePool(key, { workers: 1, workerScript: script });
      const a = chunk(1);
      const b = chunk(2);
      await expect(pool.decode(a.task)).rejects.toThrow(
        `chunk ${a.task.id.slice(0, 16)} in packs/00/pack-1 could not be decoded: not this one`,
      );
      await expect(pool.decode(b.task)).rejects.toThrow(
        new RegExp(`chunk ${b.task.id.slice(0, 16)} in packs/00/pack-2 was not decoded: .*exited`),
      );
    });
  });
});

describe('repository reads through decode workers', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(async () => cleanup());

  it('restores a point byte for byte, and a damaged pack fails naming the chunk', async () => {
    const capacity = 8 * MiB;
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const img = new MemoryDiskImage(capacity);
    await img.write(0, patternBytes(capacity, 3));
    const writer = repo.beginPoint(pointMeta());
    await copyImage(img, writer.addDisk(diskMeta(2000, capacity)));
    const pointId = (await writer.commit()).manifest.id;

    const reader = await Repository.open(new LocalFolderBackend(dir), 'pw', {
      cacheChunks: 1,
      decodeWorkerScript: WORKER,
      decodeWorkers: 2,
    });
    expect(reader.decodesInWorkers).toBe(true);
    const disk = (await reader.openPoint(pointId)).disk(2000);
    expect((await disk.read(0, capacity)).equals(patternBytes(capacity, 3))).toBe(true);

    // Flip a byte inside the first blob of the pack.
    const backend = new LocalFolderBackend(dir);
    const [pack] = await backend.list('packs/');
    const file = join(dir, pack!.name);
    const bytes = await fsp.readFile(file);
    bytes[100] = (bytes[100] ?? 0) ^ 0x01;
    await fsp.writeFile(file, bytes);
    const fresh = await Repository.open(backend, 'pw', { cacheChunks: 1, decodeWorkerScript: WORKER });
    const firstChunk = fresh.index.packs.get(pack!.name.slice(pack!.name.lastIndexOf('/') + 1))!.blobs[0]![0];
    const err = await (
      await fresh.openPoint(pointId)
    )
      .disk(2000)
      .read(0, capacity)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepositoryCorruptError);
    expect((err as Error).message).toContain(firstChunk.slice(0, 16));
    backend.closeHandles();
  });
});
