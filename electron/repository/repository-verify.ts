import { ChunkIndex, decodeIndex, INDEX_PREFIX, type PackRecord } from './chunk-index';
import {
  isPackObjectName,
  openChunk,
  PACK_PREFIX,
  packContentHash,
  packIdFromName,
  packObjectName,
  readPackHeader,
} from './pack-format';
import { decodePointSafely } from './point-scan';
import type { Repository } from './repository';
import type { RestorePointManifest } from './restore-point-manifest';

export interface VerifyProblem {
  object: string;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  readData: boolean;
  points: number;
  packs: number;
  chunksReferenced: number;
  chunksRead: number;
  bytesRead: number;
  problems: VerifyProblem[];
  /** Not errors: e.g. packs no index names (left by an interrupted backup; prune removes them). */
  warnings: VerifyProblem[];
}

export type ProgressFn = (done: number, total: number, what: string) => void;

/** Checks that a block map covers its disk exactly and names one chunk per slot. */
function checkBlockMaps(m: RestorePointManifest, index: ChunkIndex, problems: VerifyProblem[], object: string): void {
  for (const disk of m.disks) {
    let pos = 0;
    for (const run of disk.blockMap) {
      if (run.offset !== pos) {
        problems.push({ object, problem: `disk ${disk.key}: block map has a gap or overlap at byte ${pos}` });
        break;
      }
      pos += run.length;
      if (run.kind === 'data') {
        const slots = Math.floor((run.offset + run.length - 1) / m.chunkSize) - Math.floor(run.offset / m.chunkSize) + 1;
        if (run.chunks.length !== slots)
          problems.push({
            object,
            problem: `disk ${disk.key}: run at ${run.offset} names ${run.chunks.length} chunks, needs ${slots}`,
          });
        const first = Math.floor(run.offset / m.chunkSize);
        run.chunks.forEach((id, i) => {
          const stored = id ? index.get(id) : undefined;
          const slotLength = Math.min(m.chunkSize, disk.capacity - (first + i) * m.chunkSize);
          if (stored && stored.rawLength !== slotLength) {
            problems.push({
              object,
              problem: `disk ${disk.key}: chunk ${id!.slice(0, 16)} holds ${stored.rawLength} bytes, its slot ${first + i} needs ${slotLength}`,
            });
          }
        });
      }
    }
    if (pos !== disk.capacity)
      problems.push({ object, problem: `disk ${disk.key}: block map covers ${pos} of ${disk.capacity} bytes` });
  }
}

/**
 * Without readData: structure (indexes decrypt, indexed packs exist with the
 * right size, every chunk a point references is indexed, block maps are whole).
 * With readData: also every pack's bytes hash to its name, its header matches
 * the index, and every chunk decrypts, decompresses and hashes to its id.
 */
export async function verifyRepository(
  repo: Repository,
  options: { readData?: boolean; onProgress?: ProgressFn } = {},
): Promise<VerifyReport> {
  // Shared lock: a prune elsewhere must not delete packs while they are checked.
  return repo.withSharedLock('verify', (signal) => verifyLocked(repo, options, signal));
}

async function verifyLocked(
  repo: Repository,
  options: { readData?: boolean; onProgress?: ProgressFn },
  signal: AbortSignal,
): Promise<VerifyReport> {
  const { backend, keys } = repo;
  const problems: VerifyProblem[] = [];
  const warnings: VerifyProblem[] = [];
  const index = new ChunkIndex();
  for (const obj of await backend.list(INDEX_PREFIX)) {
    try {
      for (const p of decodeIndex(keys, obj.name, await backend.get(obj.name))) index.add(p);
    } catch (err) {
      problems.push({ object: obj.name, problem: (err as Error).message });
    }
  }
  const onDisk = new Map(
    (await backend.list(PACK_PREFIX)).filter((o) => isPackObjectName(o.name)).map((o) => [packIdFromName(o.name), o.size]),
  );
  for (const pack of index.packs.values()) {
    const size = onDisk.get(pack.id);
    const name = packObjectName(pack.id);
    if (size === undefined) problems.push({ object: name, problem: 'pack is missing' });
    else if (size !== pack.size)
      problems.push({ object: name, problem: `pack is ${size} bytes, the index says ${pack.size} (truncated or changed)` });
  }
  for (const id of onDisk.keys()) {
    if (!index.packs.has(id))
      warnings.push({
        object: packObjectName(id),
        problem: 'no index names this pack (left by an interrupted write; `repo prune` removes it)',
      });
  }

  const referenced = new Set<string>();
  const ids = await repo.pointIds();
  for (const id of ids) {
    const result = await decodePointSafely(repo, id);
    if ('error' in result) {
      problems.push({ object: `points/${id}`, problem: result.error });
      continue;
    }
    checkBlockMaps(result.manifest, index, problems, `points/${id}`);
    for (const c of result.chunks) {
      referenced.add(c);
      if (!index.has(c))
        problems.push({ object: `points/${id}`, problem: `references chunk ${c.slice(0, 16)} that no index lists` });
    }
  }

  let chunksRead = 0;
  let bytesRead = 0;
  if (options.readData) {
    const packs = [...index.packs.values()].filter((p) => onDisk.get(p.id) === p.size);
    let done = 0;
    for (const pack of packs) {
      signal.throwIfAborted();
      options.onProgress?.(done, packs.length, packObjectName(pack.id));
      const result = await verifyPackData(repo, pack);
      chunksRead += result.chunks;
      bytesRead += result.bytes;
      problems.push(...result.problems);
      done++;
    }
    options.onProgress?.(done, packs.length, 'done');
  }
  return {
    ok: problems.length === 0,
    readData: Boolean(options.readData),
    points: ids.length,
    packs: index.packs.size,
    chunksReferenced: referenced.size,
    chunksRead,
    bytesRead,
    problems,
    warnings,
  };
}

async function verifyPackData(
  repo: Repository,
  pack: PackRecord,
): Promise<{ chunks: number; bytes: number; problems: VerifyProblem[] }> {
  const name = packObjectName(pack.id);
  const problems: VerifyProblem[] = [];
  const data = await repo.backend.get(name);
  if (packContentHash(data) !== pack.id)
    problems.push({ object: name, problem: 'pack content does not match its name (a byte was changed)' });
  try {
    const header = readPackHeader(repo.keys, data, name);
    if (JSON.stringify(header) !== JSON.stringify(pack.blobs))
      problems.push({ object: name, problem: 'pack header does not match the index' });
  } catch (err) {
    problems.push({ object: name, problem: (err as Error).message });
  }
  let chunks = 0;
  for (const [id, offset, length] of pack.blobs) {
    try {
      openChunk(repo.keys, id, data.subarray(offset, offset + length), name);
      chunks++;
    } catch (err) {
      problems.push({ object: name, problem: (err as Error).message.replace(`${name}: `, '') });
    }
  }
  return { chunks, bytes: data.length, problems };
}
