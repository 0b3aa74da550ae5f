import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { RunMap, type RunKind } from '../../../electron/repository/run-map';
import { patternBytes } from './memory-disk-image';
import { TEST_KDF, diskMeta, pointMeta, tempDir } from './repository-fixtures';

const SECTOR = 512;
const CHUNK = 64 * 1024;

/** Small deterministic PRNG so failures replay. */
function rng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
}

/** Reference model: bytes plus a kind per sector. */
class Model {
  bytes: Buffer;
  kinds: RunKind[];
  constructor(readonly capacity: number) {
    this.bytes = Buffer.alloc(capacity);
    this.kinds = new Array<RunKind>(capacity / SECTOR).fill('unallocated');
  }
  set(offset: number, length: number, kind: RunKind, data?: Buffer): void {
    for (let s = offset / SECTOR; s < (offset + length) / SECTOR; s++) this.kinds[s] = kind;
    if (data) data.copy(this.bytes, offset);
    else this.bytes.fill(0, offset, offset + length);
  }
  clone(): Model {
    const m = new Model(this.capacity);
    this.bytes.copy(m.bytes);
    m.kinds = [...this.kinds];
    return m;
  }
}

function kindsOf(blockMap: Array<{ offset: number; length: number; kind: RunKind }>, capacity: number): RunKind[] {
  const out = new Array<RunKind>(capacity / SECTOR);
  for (const r of blockMap) for (let s = r.offset / SECTOR; s < (r.offset + r.length) / SECTOR; s++) out[s] = r.kind;
  return out;
}

describe('RunMap', () => {
  it('matches a per-sector model under random updates and stays merged', () => {
    const next = rng(7);
    const capacity = 64 * SECTOR;
    const map = new RunMap(capacity);
    const model = new Model(capacity);
    const kinds: RunKind[] = ['data', 'zero', 'unallocated'];
    for (let i = 0; i < 2000; i++) {
      const start = next(64);
      const len = 1 + next(64 - start);
      const kind = kinds[next(3)]!;
      map.set(start * SECTOR, len * SECTOR, kind);
      model.set(start * SECTOR, len * SECTOR, kind);
      const runs = map.all();
      expect(kindsOf([...runs], capacity)).toEqual(model.kinds);
      for (let r = 1; r < runs.length; r++) expect(runs[r]!.kind).not.toBe(runs[r - 1]!.kind);
    }
  });
});

describe('DiskWriter against a model', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('random writes, marks and inherits read back exactly, over several generations', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', {
      kdf: TEST_KDF,
      chunkSize: CHUNK,
      packTarget: 256 * 1024,
    });
    const next = rng(12345);
    const capacity = 10 * CHUNK + 7 * SECTOR; // partial last chunk
    const sectors = capacity / SECTOR;
    let parent: { id: string; model: Model } | null = null;
    for (let gen = 0; gen < 6; gen++) {
      const model: Model = parent ? parent.model.clone() : new Model(capacity);
      const writer = repo.beginPoint(pointMeta({ kind: parent ? 'incremental' : 'full', parentPointId: parent?.id ?? null }));
      const disk = writer.addDisk(diskMeta(2000, capacity));
      if (parent) await disk.inheritRange(parent.id, 2000, 0, capacity);
      for (let op = 0; op < 40; op++) {
        const start = next(sectors);
        const len = 1 + next(Math.min(sectors - start, 300));
        const offset = start * SECTOR;
        const length = len * SECTOR;
        const choice = next(10);
        if (choice < 6) {
          const data = next(5) === 0 ? Buffer.alloc(length) : patternBytes(length, gen * 1000 + op + 1);
          await disk.writeRange(offset, data);
          model.set(offset, length, 'data', data);
        } else if (choice === 6) {
          await disk.markZero(offset, length);
          model.set(offset, length, 'zero');
        } else if (choice === 7) {
          await disk.markUnallocated(offset, length);
          model.set(offset, length, 'unallocated');
        } else if (parent) {
          await disk.inheritRange(parent.id, 2000, offset, length);
          for (let s = start; s < start + len; s++) model.kinds[s] = parent.model.kinds[s]!;
          parent.model.bytes.copy(model.bytes, offset, offset, offset + length);
        }
      }
      // Bytes outside data runs read as zeros.
      for (let s = 0; s < sectors; s++) if (model.kinds[s] !== 'data') model.bytes.fill(0, s * SECTOR, (s + 1) * SECTOR);
      const { manifest } = await writer.commit();
      const d = manifest.disks[0]!;
      expect(kindsOf(d.blockMap, capacity), `generation ${gen}`).toEqual(model.kinds);
      const image = (await repo.openPoint(manifest.id)).disk(2000);
      expect((await image.read(0, capacity)).equals(model.bytes), `generation ${gen} bytes`).toBe(true);
      expect(Buffer.from(d.sector0, 'base64').equals(model.bytes.subarray(0, 512))).toBe(true);
      // Extents: every data extent holds the model's data sectors; zero extents read as zeros.
      for (const e of await image.extents()) {
        for (let s = e.offset / SECTOR; s < (e.offset + e.length) / SECTOR; s++) {
          if (e.kind === 'data') expect(model.kinds[s]).toBe('data');
        }
      }
      parent = { id: manifest.id, model };
    }
    // Every generation is still complete after all the later ones.
    expect((await repo.listPoints()).length).toBe(6);
  });
});
