/** Block size used to decide "this stretch is all zeros" when keeping images thin. */
export const ZERO_BLOCK_SIZE = 64 * 1024;

const ZEROS = Buffer.alloc(1024 * 1024);

/** True when every byte of `buf` is zero (memcmp against a shared zero page, in 1 MiB steps). */
export function isAllZero(buf: Buffer): boolean {
  for (let pos = 0; pos < buf.length; pos += ZEROS.length) {
    const n = Math.min(ZEROS.length, buf.length - pos);
    if (!buf.subarray(pos, pos + n).equals(ZEROS.subarray(0, n))) return false;
  }
  return true;
}
