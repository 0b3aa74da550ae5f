import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository, type RepositoryOptions } from '../../../electron/repository/repository';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import { pseudoRandomBytes } from '../../../electron/restore-points/demo-disk-layout';
import { importImageFile } from '../../../electron/restore-points/image-import';

// The compiled encode worker (npm test builds first).
const WORKER = resolve(__dirname, '../../../dist/electron/repository/chunk-encode-worker.js');
const MiB = 1024 * 1024;
const TEST_KDF = { name: 'scrypt' as const, N: 1024, r: 8, p: 1 };
const CAPACITY = 40 * MiB;

/** 40 MiB raw image: noise, a repeated slot, a compressible run and zeros, so every path of the writer is taken. */
function imageBytes(): Buffer {
  const image = Buffer.alloc(CAPACITY);
  pseudoRandomBytes(16 * MiB, 11).copy(image, 0);
  const repeated = pseudoRandomBytes(MiB, 12);
  for (const at of [16, 18, 30]) repeated.copy(image, at * MiB);
  image.fill(0x33, 20 * MiB, 26 * MiB);
  pseudoRandomBytes(6 * MiB, 13).copy(image, 32 * MiB);
  return image;
}

/** A repository folder whose pack writes fail from the `failAt`-th on, as a full disk does. */
class FillingBackend extends LocalFolderBackend {
  packs = 0;
  constructor(
    root: string,
    private readonly failAt: number,
  ) {
    super(root);
  }
  override async put(name: string, data: Buffer): Promise<void> {
    if (name.startsWith('packs/') && ++this.packs >= this.failAt) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${name}'`), { code: 'ENOSPC' });
    }
    return super.put(name, data);
  }
}

describe('import pipeline (read-ahead, sealing in a worker, packs written behind)', () => {
  let dir: string;
  let file: string;
  let image: Buffer;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-import-pipeline-'));
    file = join(dir, 'disk.raw');
    image = imageBytes();
    await writeFile(file, image);
    await Repository.init(new LocalFolderBackend(join(dir, 'repo')), 'pw', { kdf: TEST_KDF });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const open = (options: RepositoryOptions = {}, backend = new LocalFolderBackend(join(dir, 'repo'))) =>
    Repository.open(backend, 'pw', { encodeWorkerScript: WORKER, packTarget: 2 * MiB, ...options });

  it('stores the HMAC of every 1 MiB slot, with a worker or without, and reads back byte-identical', async () => {
    const withWorker = await importImageFile(await open({ encodeWorkers: 1 }), file);
    const repo = await open({ encodeWorkers: 0 });
    const onThisThread = await importImageFile(repo, file);
    const map = withWorker.manifest.disks[0]!.blockMap;
    expect(onThisThread.manifest.disks[0]!.blockMap).toEqual(map);
    // The ids any import of this image has had: the HMAC of each slot; zero slots are holes.
    const expected = [...Array(CAPACITY / MiB).keys()]
      .filter((s) => image.subarray(s * MiB, (s + 1) * MiB).some((b) => b !== 0))
      .map((s) => repo.keys.chunkId(image.subarray(s * MiB, (s + 1) * MiB)));
    expect(map.flatMap((r) => (r.kind === 'data' ? r.chunks : []))).toEqual(expected);
    expect(expected).toHaveLength(31);
    expect(map.filter((r) => r.kind === 'unallocated').map((r) => [r.offset / MiB, r.length / MiB])).toEqual([
      [17, 1],
      [19, 1],
      [26, 4],
      [31, 1],
      [38, 2],
    ]);
    const disk = (await repo.openPoint(withWorker.manifest.id)).disk(2000);
    expect((await disk.read(0, CAPACITY)).equals(image)).toBe(true);
    expect((await verifyRepository(repo, { readData: true })).problems).toEqual([]);
  });

  it('a cancel mid-import stops it, commits nothing, and leaves a repository that verifies and imports again', async () => {
    const repo = await open({ encodeWorkers: 1 });
    const controller = new AbortController();
    let reported = 0;
    const run = importImageFile(repo, file, {
      signal: controller.signal,
      onProgress: (done) => {
        reported = done;
        if (done >= 8 * MiB) controller.abort(new Error('import cancelled by the user'));
      },
    });
    await expect(run).rejects.toThrow(/import cancelled by the user/);
    expect(reported).toBeLessThan(CAPACITY);
    expect(await repo.pointIds()).toEqual([]);
    const report = await verifyRepository(repo, { readData: true });
    expect(report.problems).toEqual([]);
    // Packs written before the cancel are named by an index or left for prune: never a broken point.
    const again = await importImageFile(await open({ encodeWorkers: 1 }), file);
    expect(await repo.pointIds()).toEqual([again.manifest.id]);
  });

  it('a pack write that fails (full disk), whichever pack it is, fails the import with that error and leaves no point', async () => {
    // Fail the 1st pack write, then the 2nd, … until an import gets through: the last failures hit the final flush.
    let failAt = 1;
    for (; failAt < 100; failAt++) {
      const repo = await open({ encodeWorkers: 1 }, new FillingBackend(join(dir, 'repo'), failAt));
      const outcome = await importImageFile(repo, file).catch((err: Error) => err);
      if (!(outcome instanceof Error)) break;
      expect(outcome.message).toMatch(/ENOSPC: no space left on device, write 'packs\//);
      expect(await repo.pointIds()).toEqual([]);
    }
    expect(failAt).toBeGreaterThan(3);
    const reopened = await open();
    expect(await reopened.pointIds()).toHaveLength(1);
    expect((await verifyRepository(reopened, { readData: true })).problems).toEqual([]);
  });
});
