import { createHash } from 'node:crypto';
import { seal } from './sealed-box';
import type { RepositoryKeys } from './repository-keys';

/*
 * Building a pack's bytes, on its own (no zod) so the encode worker can do it:
 *   blob | blob | … | sealed header | header length (u32 LE)
 * The pack's name is the SHA-256 of those bytes.
 */
export const HEADER_AD = 'lifeboat-pack-header';
export const TRAILER_BYTES = 4;

/** Where one chunk sits in a pack: [chunk id, offset, stored length, plain length]. */
export type BlobEntry = [id: string, offset: number, length: number, rawLength: number];

/** Builds the finished pack bytes from sealed blobs; returns the pack id and its entries. */
export function assemblePack(
  keys: Pick<RepositoryKeys, 'encryption'>,
  blobs: ReadonlyArray<{ id: string; sealed: Buffer; rawLength: number }>,
): { packId: string; data: Buffer; entries: BlobEntry[] } {
  const entries: BlobEntry[] = [];
  let offset = 0;
  for (const b of blobs) {
    entries.push([b.id, offset, b.sealed.length, b.rawLength]);
    offset += b.sealed.length;
  }
  const header = seal(keys.encryption, Buffer.from(JSON.stringify(entries), 'utf8'), HEADER_AD);
  const trailer = Buffer.alloc(TRAILER_BYTES);
  trailer.writeUInt32LE(header.length, 0);
  const data = Buffer.concat([...blobs.map((b) => b.sealed), header, trailer]);
  return { packId: createHash('sha256').update(data).digest('hex'), data, entries };
}
