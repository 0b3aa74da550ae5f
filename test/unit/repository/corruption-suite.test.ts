import { cp, open as openFile, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { ConfigDamagedError, WrongPasswordError } from '../../../electron/repository/repository-errors';
import { RepositoryLock } from '../../../electron/repository/repository-lock';
import { repairIndex } from '../../../electron/repository/repository-repair';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from './repository-fixtures';

const MiB = 1024 * 1024;

interface Sample {
  ids: string[];
  images: MemoryDiskImage[];
}

async function flipByte(file: string, at: number): Promise<void> {
  const h = await openFile(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await h.read(b, 0, 1, at);
    b[0] = b[0]! ^ 0x10;
    await h.write(b, 0, 1, at);
  } finally {
    await h.close();
  }
}

/** How many points restore byte-identical; `detected` says whether open/list/verify reported the damage. */
async function outcome(dir: string, sample: Sample): Promise<{ survived: number; detected: boolean }> {
  let repo: Repository;
  try {
    repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
  } catch (err) {
    // A damaged config must be named as such, never as a wrong password.
    expect(err).not.toBeInstanceOf(WrongPasswordError);
    return { survived: 0, detected: err instanceof ConfigDamagedError };
  }
  const report = await verifyRepository(repo, { readData: true });
  const scan = await repo.scanPoints();
  let detected = !report.ok || report.warnings.length > 0 || scan.damaged.length > 0 || repo.damagedIndexes.length > 0;
  // The documented recovery for a damaged index: rebuild it from the packs.
  if (repo.damagedIndexes.length > 0 || report.problems.some((p) => /no index lists/.test(p.problem))) {
    await repairIndex(repo);
    repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
    detected = true;
  }
  let survived = 0;
  for (let n = 0; n < sample.ids.length; n++) {
    try {
      const disk = (await repo.openPoint(sample.ids[n]!)).disk(2000);
      if ((await disk.read(0, disk.capacity)).equals(sample.images[n]!.bytes)) survived++;
    } catch {
      // Lost: counted by not counting it.
    }
  }
  return { survived, detected };
}

type Damage = (dir: string) => Promise<void>;

async function firstFile(dir: string, prefix: string): Promise<string> {
  const repo = new LocalFolderBackend(dir);
  return join(dir, ...(await repo.list(prefix))[0]!.name.split('/'));
}

/** Each repository file kind damaged one way; `survives` is what the repository promises for 3 independent points. */
const CASES: Array<{ kind: string; damage: Damage; survives: number }> = [
  {
    kind: 'config: flipped byte in the wrapped key',
    damage: async (d) => {
      const c = JSON.parse(await readFile(join(d, 'config'), 'utf8'));
      const key = Buffer.from(c.wrappedKey, 'base64');
      key[5] = key[5]! ^ 1;
      await writeFile(join(d, 'config'), JSON.stringify({ ...c, wrappedKey: key.toString('base64') }));
    },
    survives: 0,
  },
  { kind: 'config: flipped byte anywhere', damage: (d) => flipByte(join(d, 'config'), 40), survives: 0 },
  { kind: 'index: flipped byte', damage: async (d) => flipByte(await firstFile(d, 'index/'), 30), survives: 3 },
  { kind: 'index: deleted', damage: async (d) => rm(await firstFile(d, 'index/')), survives: 3 },
  { kind: 'index: junk file added', damage: (d) => writeFile(join(d, 'index', 'f'.repeat(64)), 'junk'), survives: 3 },
  { kind: 'manifest: flipped byte', damage: async (d) => flipByte(await firstFile(d, 'points/'), 25), survives: 2 },
  { kind: 'manifest: junk file added', damage: (d) => writeFile(join(d, 'points', 'e'.repeat(16)), 'junk'), survives: 3 },
  { kind: 'pack: flipped byte in a chunk', damage: async (d) => flipByte(await firstFile(d, 'packs/'), 100), survives: 2 },
  {
    kind: 'pack: flipped byte in the header',
    damage: async (d) => {
      const f = await firstFile(d, 'packs/');
      await flipByte(f, (await readFile(f)).length - 12);
    },
    survives: 3,
  },
  { kind: 'pack: truncated', damage: async (d) => truncate(await firstFile(d, 'packs/'), 1000), survives: 2 },
  { kind: 'pack: deleted', damage: async (d) => rm(await firstFile(d, 'packs/')), survives: 2 },
  { kind: 'lock: junk file', damage: (d) => writeFile(join(d, 'locks', 'a'.repeat(24)), 'junk'), survives: 3 },
  {
    kind: 'lock: flipped byte in a live lock',
    damage: async (d) => {
      const repo = await Repository.open(new LocalFolderBackend(d), 'pw');
      await RepositoryLock.acquire(repo.backend, repo.keys, 'shared', 'a backup');
      await flipByte(await firstFile(d, 'locks/'), 20);
    },
    survives: 3,
  },
];

describe('corruption suite: every repository file kind damaged', () => {
  let base: string;
  let cleanup: () => Promise<void>;
  let sample: Sample;
  const figures: string[] = [];

  beforeAll(async () => {
    ({ dir: base, cleanup } = await tempDir());
    const repo = await Repository.init(new LocalFolderBackend(join(base, 'golden')), 'pw', { kdf: TEST_KDF, packTarget: MiB });
    sample = { ids: [], images: [] };
    for (let n = 0; n < 3; n++) {
      const img = new MemoryDiskImage(MiB);
      await img.write(0, patternBytes(MiB, 900 + n));
      const w = repo.beginPoint(pointMeta());
      await copyImage(img, w.addDisk(diskMeta(2000, img.capacity)));
      sample.ids.push((await w.commit()).manifest.id);
      sample.images.push(img);
    }
  });
  afterAll(async () => {
    // The figures for the report: kind, points tried / survived / lost.
    console.log(`corruption suite (3 points each):\n${figures.join('\n')}`);
    await cleanup();
  });

  it.each(CASES)('$kind', async ({ kind, damage, survives }) => {
    const dir = join(base, kind.replace(/[^a-z]+/gi, '-'));
    await cp(join(base, 'golden'), dir, { recursive: true });
    await damage(dir);
    const { survived, detected } = await outcome(dir, sample);
    figures.push(`${kind}: tried 3, survived ${survived}, lost ${3 - survived}${detected ? '' : ' (not reported)'}`);
    expect(survived).toBe(survives);
    if (survived < 3 || !/lock/.test(kind)) expect(detected, 'the damage is reported').toBe(true);
  });
});
