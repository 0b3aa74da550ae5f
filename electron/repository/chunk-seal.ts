import { chunkAssociatedData, openAuthenticatedChunk } from './chunk-open';
import { RepositoryCorruptError } from './repository-errors';
import { sealParts } from './sealed-box';
import { encodeChunkParts } from './zstd-codec';
import type { RepositoryKeys } from './repository-keys';

/*
 * Sealing a new chunk, on its own (no zod, no pack code) so the encode worker
 * loads little: every worker thread is its own V8 heap.
 */

/** Compresses and encrypts one chunk: seal(codec byte + payload, "lifeboat-chunk:<id>"). */
export function sealChunk(keys: Pick<RepositoryKeys, 'encryption'>, id: string, plain: Buffer): Buffer {
  return sealParts(keys.encryption, encodeChunkParts(plain), chunkAssociatedData(id));
}

/**
 * Seals a chunk, then opens it again and checks it against its id before it
 * may go into a pack (restic's verifyCiphertext idea): a bit flipped in
 * memory or by a faulty CPU during compression or encryption is caught now,
 * while the plain data is still at hand, not at restore time.
 */
export function sealChunkChecked(keys: Pick<RepositoryKeys, 'encryption'>, id: string, plain: Buffer): Buffer {
  const sealed = sealChunk(keys, id, plain);
  try {
    // Compared with the plain bytes themselves, which is stronger than hashing them for the id again.
    const back = openAuthenticatedChunk(keys, id, sealed, 'new chunk');
    if (!back.equals(plain)) throw new Error('content differs');
  } catch (err) {
    throw new RepositoryCorruptError(
      `chunk ${id.slice(0, 16)}`,
      `failed its check after encryption (${(err as Error).message}); nothing was written. Check this computer's memory, then run the job again`,
    );
  }
  return sealed;
}
