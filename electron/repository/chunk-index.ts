import { z } from 'zod';
import { blobEntrySchema, packObjectName, type BlobEntry } from './pack-format';
import { open, seal } from './sealed-box';
import { packContentHash } from './pack-format';
import { RepositoryCorruptError } from './repository-errors';
import type { RepositoryBackend } from './repository-backend';
import type { RepositoryKeys } from './repository-keys';

/**
 * Index objects (`index/<sha256>`) list which chunks each pack holds, so opening
 * a repository reads a few small objects instead of every pack header.
 * An index object is immutable; prune writes a fresh one and deletes the old.
 */
export const INDEX_PREFIX = 'index/';
const INDEX_AD = 'lifeboat-index';

export interface PackRecord {
  id: string;
  size: number;
  blobs: BlobEntry[];
}

export interface ChunkLocation {
  pack: string;
  offset: number;
  length: number;
  rawLength: number;
}

const indexSchema = z.object({
  version: z.literal(1),
  packs: z.array(
    z.object({ id: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().positive(), blobs: z.array(blobEntrySchema) }),
  ),
});

export function encodeIndex(keys: RepositoryKeys, packs: PackRecord[]): { name: string; data: Buffer } {
  const data = seal(keys.encryption, Buffer.from(JSON.stringify({ version: 1, packs }), 'utf8'), INDEX_AD);
  return { name: `${INDEX_PREFIX}${packContentHash(data)}`, data };
}

export function decodeIndex(keys: RepositoryKeys, name: string, data: Buffer): PackRecord[] {
  const plain = open(keys.encryption, data, INDEX_AD);
  if (!plain) throw new RepositoryCorruptError(name, 'index failed authentication (changed or damaged bytes)');
  let json: unknown;
  try {
    json = JSON.parse(plain.toString('utf8'));
  } catch {
    throw new RepositoryCorruptError(name, 'index is malformed');
  }
  const parsed = indexSchema.safeParse(json);
  if (!parsed.success) throw new RepositoryCorruptError(name, 'index is malformed');
  return parsed.data.packs;
}

/** All chunks the repository holds, by id. */
export class ChunkIndex {
  private readonly chunks = new Map<string, ChunkLocation>();
  readonly packs = new Map<string, PackRecord>();
  /** Index objects that were loaded, and the packs each one names. */
  readonly indexObjects = new Map<string, string[]>();
  /** Index objects that could not be read: skipped, so the others stay usable (`repo repair` rebuilds). */
  readonly damaged: Array<{ object: string; problem: string }> = [];

  add(pack: PackRecord): void {
    this.packs.set(pack.id, pack);
    for (const [id, offset, length, rawLength] of pack.blobs) {
      if (!this.chunks.has(id)) this.chunks.set(id, { pack: pack.id, offset, length, rawLength });
    }
  }

  has(id: string): boolean {
    return this.chunks.has(id);
  }

  get(id: string): ChunkLocation | undefined {
    return this.chunks.get(id);
  }

  get chunkCount(): number {
    return this.chunks.size;
  }

  static async load(backend: RepositoryBackend, keys: RepositoryKeys): Promise<ChunkIndex> {
    const index = new ChunkIndex();
    for (const obj of await backend.list(INDEX_PREFIX)) {
      let packs: PackRecord[];
      try {
        packs = decodeIndex(keys, obj.name, await backend.get(obj.name));
      } catch (err) {
        // One damaged index must not take every restore point with it.
        if (!(err instanceof RepositoryCorruptError)) throw err;
        index.damaged.push({ object: obj.name, problem: err.problem });
        continue;
      }
      for (const p of packs) index.add(p);
      index.indexObjects.set(
        obj.name,
        packs.map((p) => p.id),
      );
    }
    return index;
  }
}

export { packObjectName };
