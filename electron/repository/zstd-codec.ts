import * as zlib from 'node:zlib';

/**
 * Chunk compression. Every stored chunk starts with a codec byte so data stays
 * readable whichever zstd implementation wrote it (Electron's Node has zstd in
 * zlib; Node 20 does not, so the zstd-napi package stands in).
 */
export const Codec = { stored: 0, zstd: 1 } as const;

interface ZstdImpl {
  compress(data: Buffer): Buffer;
  decompress(data: Buffer): Buffer;
}

type ZlibWithZstd = typeof zlib & {
  zstdCompressSync?: (data: Buffer, options?: object) => Buffer;
  zstdDecompressSync?: (data: Buffer) => Buffer;
};

let impl: ZstdImpl | undefined;

function zstd(): ZstdImpl {
  if (impl) return impl;
  const z = zlib as ZlibWithZstd;
  if (typeof z.zstdCompressSync === 'function' && typeof z.zstdDecompressSync === 'function') {
    const compress = z.zstdCompressSync.bind(z);
    const decompress = z.zstdDecompressSync.bind(z);
    impl = { compress: (d) => compress(d), decompress: (d) => decompress(d) };
  } else {
    // Loaded lazily: only Node builds without zlib zstd need the native package.
    const napi = require('zstd-napi') as { compress(d: Uint8Array): Buffer; decompress(d: Uint8Array): Buffer };
    impl = { compress: (d) => napi.compress(d), decompress: (d) => napi.decompress(d) };
  }
  return impl;
}

/** Which zstd implementation is in use (for `lifeboat env`-style reports and the bench). */
export function zstdImplementation(): 'node:zlib' | 'zstd-napi' {
  return typeof (zlib as ZlibWithZstd).zstdCompressSync === 'function' ? 'node:zlib' : 'zstd-napi';
}

/** Returns codec byte + payload; keeps data uncompressed when zstd does not make it smaller. */
export function encodeChunk(plain: Buffer): Buffer {
  return Buffer.concat(encodeChunkParts(plain));
}

const CODEC_STORED = Buffer.of(Codec.stored);
const CODEC_ZSTD = Buffer.of(Codec.zstd);

/** encodeChunk as [codec byte, payload], for a sealer that takes parts (no copy of the payload). */
export function encodeChunkParts(plain: Buffer): [Buffer, Buffer] {
  const packed = zstd().compress(plain);
  return packed.length < plain.length ? [CODEC_ZSTD, packed] : [CODEC_STORED, plain];
}

export function decodeChunk(encoded: Buffer): Buffer {
  const codec = encoded[0];
  const body = encoded.subarray(1);
  // A view, not a copy: `encoded` is the decrypted buffer, owned by the caller alone.
  if (codec === Codec.stored) return body;
  if (codec === Codec.zstd) return zstd().decompress(body);
  throw new Error(`unknown chunk codec ${String(codec)}`);
}
