import { describe, expect, it } from 'vitest';
import { Codec, decodeChunk, encodeChunk, zstdImplementation } from '../../../electron/repository/zstd-codec';
import { patternBytes } from './memory-disk-image';

describe('zstd chunk codec', () => {
  it('compresses compressible data into a standard zstd frame behind a codec byte', () => {
    const plain = Buffer.from('lifeboat '.repeat(10_000));
    const encoded = encodeChunk(plain);
    expect(encoded[0]).toBe(Codec.zstd);
    expect(encoded.length).toBeLessThan(plain.length / 10);
    // A standard frame (magic 28 B5 2F FD), readable by any zstd implementation.
    expect(encoded.subarray(1, 5).toString('hex')).toBe('28b52ffd');
    const napi = require('zstd-napi') as { decompress(d: Uint8Array): Buffer };
    expect(napi.decompress(encoded.subarray(1)).equals(plain)).toBe(true);
    expect(decodeChunk(encoded).equals(plain)).toBe(true);
  });

  it('stores incompressible data as it is, and refuses an unknown codec', () => {
    const plain = patternBytes(64 * 1024, 3);
    const encoded = encodeChunk(plain);
    expect(encoded[0]).toBe(Codec.stored);
    expect(decodeChunk(encoded).equals(plain)).toBe(true);
    expect(() => decodeChunk(Buffer.of(9, 1, 2))).toThrow(/unknown chunk codec 9/);
  });

  it('names the implementation in use', () => {
    expect(['node:zlib', 'zstd-napi']).toContain(zstdImplementation());
  });
});
