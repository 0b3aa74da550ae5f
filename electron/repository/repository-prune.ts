import { ChunkIndex, encodeIndex, INDEX_PREFIX, type PackRecord } from './chunk-index';
import { assemblePack, isPackObjectName, PACK_PREFIX, packIdFromName, packObjectName } from './pack-format';
import { DEFAULT_PACK_TARGET } from './pack-writer';
import { loadAllPoints } from './point-scan';
import type { Repository } from './repository';
import type { ProgressFn } from './repository-verify';

export interface PruneReport {
  points: number;
  packsKept: number;
  packsRewritten: number;
  packsDeleted: number;
  packsWritten: number;
  chunksRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Removes chunks no restore point references. Crash-safe order: new packs
 * first, then one new index naming every pack kept or written, then the old
 * index objects, then the old packs. A crash at any step leaves every point
 * readable (at worst some unreferenced packs remain for the next prune).
 * Must not run while a backup writes to the same repository.
 */
export async function pruneRepository(
  repo: Repository,
  options: { packTarget?: number; onProgress?: ProgressFn } = {},
): Promise<PruneReport> {
  return repo.withExclusiveLock('prune', async () => {
    await repo.removeStaleTemporaries();
    return pruneLocked(repo, options);
  });
}

async function pruneLocked(repo: Repository, options: { packTarget?: number; onProgress?: ProgressFn }): Promise<PruneReport> {
  const { backend, keys } = repo;
  const { ids, referenced } = await loadAllPoints(repo);
  const index = await ChunkIndex.load(backend, keys);
  const packsOnDisk = (await backend.list(PACK_PREFIX)).filter((o) => isPackObjectName(o.name));
  const bytesBefore = packsOnDisk.reduce((s, p) => s + p.size, 0);

  const kept: PackRecord[] = [];
  const retired: string[] = [];
  const salvage: Array<{ pack: PackRecord; blobs: PackRecord['blobs'] }> = [];
  let chunksRemoved = 0;
  for (const pack of index.packs.values()) {
    // A chunk stored twice (two writers at once) lives on only where the index points.
    const live = pack.blobs.filter(([id]) => referenced.has(id) && index.get(id)?.pack === pack.id);
    chunksRemoved += pack.blobs.length - live.length;
    if (live.length === pack.blobs.length) kept.push(pack);
    else {
      retired.push(pack.id);
      if (live.length > 0) salvage.push({ pack, blobs: live });
    }
  }

  // 1. New packs holding the live chunks of partly dead packs (sealed bytes copied as they are).
  const written: PackRecord[] = [];
  const target = options.packTarget ?? DEFAULT_PACK_TARGET;
  let batch: Array<{ id: string; sealed: Buffer; rawLength: number }> = [];
  let batchBytes = 0;
  const cut = async (): Promise<void> => {
    if (batch.length === 0) return;
    const { packId, data, entries } = assemblePack(keys, batch);
    await backend.put(packObjectName(packId), data);
    written.push({ id: packId, size: data.length, blobs: entries });
    batch = [];
    batchBytes = 0;
  };
  let done = 0;
  for (const { pack, blobs } of salvage) {
    options.onProgress?.(done++, salvage.length, packObjectName(pack.id));
    for (const [id, offset, length, rawLength] of blobs) {
      batch.push({ id, sealed: await backend.getRange(packObjectName(pack.id), offset, length), rawLength });
      batchBytes += length;
      if (batchBytes >= target) await cut();
    }
  }
  await cut();

  // 2. One index for everything that stays.
  const oldIndexes = (await backend.list(INDEX_PREFIX)).map((o) => o.name);
  const fresh = encodeIndex(keys, [...kept, ...written]);
  await backend.put(fresh.name, fresh.data);

  // 3. Old indexes, then 4. retired and never-indexed packs.
  for (const name of oldIndexes) if (name !== fresh.name) await backend.delete(name);
  const live = new Set([...kept, ...written].map((p) => p.id));
  let packsDeleted = 0;
  for (const obj of packsOnDisk) {
    if (!live.has(packIdFromName(obj.name))) {
      await backend.delete(obj.name);
      packsDeleted++;
    }
  }
  const bytesAfter = (await backend.list(PACK_PREFIX)).reduce((s, p) => s + p.size, 0);
  // The repository's in-memory index must follow the new layout.
  await repo.reloadIndex();
  return {
    points: ids.length,
    packsKept: kept.length,
    packsRewritten: salvage.length,
    packsDeleted,
    packsWritten: written.length,
    chunksRemoved,
    bytesBefore,
    bytesAfter,
  };
}
