import { encodeIndex, INDEX_PREFIX, type PackRecord } from './chunk-index';
import { fetchPackHeader, isPackObjectName, PACK_PREFIX, packIdFromName } from './pack-format';
import { decodePointSafely } from './point-scan';
import type { Repository } from './repository';
import { RepositoryCorruptError } from './repository-errors';
import type { ProgressFn, VerifyProblem } from './repository-verify';

/** One index object holds at most this many packs (about 16 GiB of data), so no index grows without bound. */
const PACKS_PER_INDEX = 1000;

export interface RepairReport {
  packsRead: number;
  packsIndexed: number;
  /** Packs whose header could not be read: their chunks are lost (prune removes the pack). */
  damagedPacks: VerifyProblem[];
  indexesWritten: string[];
  indexesRemoved: string[];
  /** Files in index/ that are not index objects: reported, left alone. */
  strayFiles: string[];
  pointsChecked: number;
  /** Points that need a chunk no pack holds any more: they cannot be restored. */
  unrecoverablePoints: Array<{ id: string; missingChunks: number }>;
  /** Manifests that cannot be read at all. */
  damagedPoints: VerifyProblem[];
}

function isIndexObjectName(name: string): boolean {
  return /^index\/[0-9a-f]{64}$/.test(name);
}

/**
 * Rebuilds the index from the packs themselves (what restic's `repair index`
 * does): read each pack's header, write fresh index objects naming every
 * readable pack, then delete the old index objects, then check which restore
 * points still find all their chunks. Runs under the exclusive lock, so no
 * backup adds packs meanwhile and no prune deletes them.
 */
export async function repairIndex(repo: Repository, options: { onProgress?: ProgressFn } = {}): Promise<RepairReport> {
  return repo.withExclusiveLock('repair index', () => repairLocked(repo, options));
}

async function repairLocked(repo: Repository, options: { onProgress?: ProgressFn }): Promise<RepairReport> {
  const { backend, keys } = repo;
  const packs = (await backend.list(PACK_PREFIX)).filter((o) => isPackObjectName(o.name));
  const records: PackRecord[] = [];
  const damagedPacks: VerifyProblem[] = [];
  let done = 0;
  for (const obj of packs) {
    options.onProgress?.(done++, packs.length, obj.name);
    try {
      records.push({
        id: packIdFromName(obj.name),
        size: obj.size,
        blobs: await fetchPackHeader(backend, keys, obj.name, obj.size),
      });
    } catch (err) {
      if (!(err instanceof RepositoryCorruptError)) throw err;
      damagedPacks.push({ object: obj.name, problem: err.problem });
    }
  }
  options.onProgress?.(done, packs.length, 'done');

  // New indexes first, old ones after: a crash in between leaves duplicates, never a gap.
  const old = (await backend.list(INDEX_PREFIX)).map((o) => o.name);
  const written: string[] = [];
  for (let at = 0; at < records.length; at += PACKS_PER_INDEX) {
    const { name, data } = encodeIndex(keys, records.slice(at, at + PACKS_PER_INDEX));
    await backend.put(name, data);
    written.push(name);
  }
  const removed: string[] = [];
  const stray: string[] = [];
  for (const name of old) {
    if (written.includes(name)) continue;
    if (!isIndexObjectName(name)) {
      stray.push(name);
      continue;
    }
    await backend.delete(name);
    removed.push(name);
  }
  await repo.reloadIndex();

  const unrecoverablePoints: RepairReport['unrecoverablePoints'] = [];
  const damagedPoints: VerifyProblem[] = [];
  const ids = await repo.pointIds();
  for (const id of ids) {
    const result = await decodePointSafely(repo, id);
    if ('error' in result) {
      damagedPoints.push({ object: `points/${id}`, problem: result.error });
      continue;
    }
    const missing = [...result.chunks].filter((c) => !repo.index.has(c)).length;
    if (missing > 0) unrecoverablePoints.push({ id, missingChunks: missing });
  }
  return {
    packsRead: packs.length,
    packsIndexed: records.length,
    damagedPacks,
    indexesWritten: written,
    indexesRemoved: removed,
    strayFiles: stray,
    pointsChecked: ids.length,
    unrecoverablePoints,
    damagedPoints,
  };
}
