import { createHash } from 'node:crypto';
import { z } from 'zod';
import { chunkAssociatedData, openAuthenticatedChunk } from './chunk-open';
import { sealChunk, sealChunkChecked } from './chunk-seal';
import { assemblePack, HEADER_AD, TRAILER_BYTES, type BlobEntry } from './pack-assembly';
import { open } from './sealed-box';
import { RepositoryCorruptError } from './repository-errors';
import type { RepositoryBackend } from './repository-backend';
import type { RepositoryKeys } from './repository-keys';

/**
 * A pack is written once and never changed:
 *   blob | blob | … | sealed header | header length (u32 LE)
 * Each blob is seal(codec byte + data, "chunk:<id>"). The header lists the blobs
 * so a pack can be re-indexed on its own. The pack's name is the SHA-256 of its
 * bytes, so `verify --read-data` notices any changed byte, even in padding.
 */
export const PACK_PREFIX = 'packs/';

export type { BlobEntry };
export const blobEntrySchema = z.tuple([
  z.string().regex(/^[0-9a-f]{64}$/),
  z.number().int().nonnegative(),
  z.number().int().positive(),
  z.number().int().nonnegative(),
]);

export function packObjectName(packId: string): string {
  return `${PACK_PREFIX}${packId.slice(0, 2)}/${packId}`;
}

/** True for `packs/<xx>/<sha256>` (anything else in packs/ is not ours to read or delete). */
export function isPackObjectName(name: string): boolean {
  return /^packs\/([0-9a-f]{2})\/\1[0-9a-f]{62}$/.test(name);
}

export function packIdFromName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

export { chunkAssociatedData, openAuthenticatedChunk };

export { sealChunk, sealChunkChecked };

/** Decrypts, decompresses and checks a chunk against its id (writers and `repo verify --read-data`). */
export function openChunk(keys: RepositoryKeys, id: string, stored: Buffer, where: string): Buffer {
  const plain = openAuthenticatedChunk(keys, id, stored, where);
  if (keys.chunkId(plain) !== id)
    throw new RepositoryCorruptError(where, `chunk ${id.slice(0, 16)} content does not match its id`);
  return plain;
}

export { assemblePack };

export function packContentHash(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads the blob list out of a whole pack (used by verify). */
export function readPackHeader(keys: RepositoryKeys, data: Buffer, where: string): BlobEntry[] {
  if (data.length < TRAILER_BYTES) throw new RepositoryCorruptError(where, 'pack is too short to hold a header');
  const headerLength = data.readUInt32LE(data.length - TRAILER_BYTES);
  const headerStart = data.length - TRAILER_BYTES - headerLength;
  if (headerStart < 0) throw new RepositoryCorruptError(where, 'pack header length points outside the pack (truncated?)');
  return parsePackHeader(keys, data.subarray(headerStart, data.length - TRAILER_BYTES), headerStart, where);
}

/**
 * Reads only a pack's header through the backend (two small range reads), so
 * re-indexing a repository does not read its data.
 */
export async function fetchPackHeader(
  backend: RepositoryBackend,
  keys: RepositoryKeys,
  name: string,
  size: number,
): Promise<BlobEntry[]> {
  if (size < TRAILER_BYTES) throw new RepositoryCorruptError(name, 'pack is too short to hold a header');
  const trailer = await backend.getRange(name, size - TRAILER_BYTES, TRAILER_BYTES);
  const headerLength = trailer.readUInt32LE(0);
  const headerStart = size - TRAILER_BYTES - headerLength;
  if (headerStart < 0) throw new RepositoryCorruptError(name, 'pack header length points outside the pack (truncated?)');
  return parsePackHeader(keys, await backend.getRange(name, headerStart, headerLength), headerStart, name);
}

function parsePackHeader(keys: RepositoryKeys, sealed: Buffer, headerStart: number, where: string): BlobEntry[] {
  const plain = open(keys.encryption, sealed, HEADER_AD);
  if (!plain) throw new RepositoryCorruptError(where, 'pack header failed authentication');
  let json: unknown;
  try {
    json = JSON.parse(plain.toString('utf8'));
  } catch {
    throw new RepositoryCorruptError(where, 'pack header is malformed');
  }
  const parsed = z.array(blobEntrySchema).safeParse(json);
  if (!parsed.success) throw new RepositoryCorruptError(where, 'pack header is malformed');
  for (const [, offset, length] of parsed.data) {
    if (offset + length > headerStart) throw new RepositoryCorruptError(where, 'pack header lists a blob beyond the blob area');
  }
  return parsed.data;
}
