import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import {
  GOLDEN_CAPACITY,
  GOLDEN_DISK_KEY,
  GOLDEN_NVRAM,
  GOLDEN_PASSWORD,
  goldenFullDisk,
  goldenIncrementalDisk,
} from '../../fixtures/golden-repository-content';
import { tempDir } from './repository-fixtures';

/** Written by the first repository format (see test/fixtures/make-golden-repository.ts); every version must read it. */
const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'golden-repository-v1');
const FULL_ID = 'b3210bd11e43e110';
const INCREMENTAL_ID = '591b6efe15da949c';

describe('golden repository (format v1, checked in)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    await cp(GOLDEN, join(dir, 'repo'), { recursive: true });
  });
  afterEach(() => cleanup());

  it('opens, lists, verifies every byte and restores both points byte-identical', async () => {
    const repo = await Repository.open(new LocalFolderBackend(join(dir, 'repo')), GOLDEN_PASSWORD);
    expect(repo.chunkSize).toBe(64 * 1024);
    const points = await repo.listPoints();
    expect(points.map((p) => [p.id, p.kind, p.parentPointId, p.vm])).toEqual([
      [FULL_ID, 'full', null, 'golden-vm'],
      [INCREMENTAL_ID, 'incremental', FULL_ID, 'golden-vm'],
    ]);

    const report = await verifyRepository(repo, { readData: true });
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report).toMatchObject({ ok: true, points: 2, packs: 2 });
    expect(report.chunksRead).toBeGreaterThanOrEqual(4);

    const full = await repo.openPoint(FULL_ID);
    const fullDisk = full.disk(GOLDEN_DISK_KEY);
    expect((await fullDisk.read(0, GOLDEN_CAPACITY)).equals(goldenFullDisk())).toBe(true);
    expect(await fullDisk.extents()).toEqual([
      { offset: 0, length: 64 * 1024, kind: 'data' },
      { offset: 64 * 1024, length: 64 * 1024, kind: 'zero' },
      { offset: 128 * 1024, length: 128 * 1024, kind: 'data' },
    ]);
    const inc = await repo.openPoint(INCREMENTAL_ID);
    expect((await inc.disk(GOLDEN_DISK_KEY).read(0, GOLDEN_CAPACITY)).equals(goldenIncrementalDisk())).toBe(true);
    expect((await inc.readNvram())?.data.equals(GOLDEN_NVRAM)).toBe(true);
  });
});
