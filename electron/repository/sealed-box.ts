import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with a random 96-bit nonce per object. Layout: nonce(12) | ciphertext | tag(16).
 * The associated data names what the object is (`chunk:<id>`, `index`, `point:<id>`, …),
 * so an object copied into another place fails authentication.
 */
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

export function seal(key: Buffer, plain: Buffer, associated: string): Buffer {
  return sealParts(key, [plain], associated);
}

/**
 * Seals the concatenation of `parts` without concatenating them first: GCM is
 * a stream mode, so the sealed bytes are exactly seal(concat(parts)), with one
 * copy fewer per part (a writer seals codec byte + compressed chunk this way).
 */
export function sealParts(key: Buffer, parts: readonly Buffer[], associated: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(associated, 'utf8'));
  const body = parts.map((p) => cipher.update(p));
  const rest = cipher.final();
  return Buffer.concat([nonce, ...body, rest, cipher.getAuthTag()]);
}

/** Returns the plaintext, or null when authentication fails (wrong key, changed byte, wrong place). */
export function open(key: Buffer, sealed: Buffer, associated: string): Buffer | null {
  if (sealed.length < SEAL_OVERHEAD) return null;
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(associated, 'utf8'));
    decipher.setAuthTag(tag);
    const plain = decipher.update(body);
    const rest = decipher.final();
    // GCM is a stream mode: final() is empty, so skip the copy a concat would make.
    return rest.length === 0 ? plain : Buffer.concat([plain, rest]);
  } catch {
    return null;
  }
}
