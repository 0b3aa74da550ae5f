import { SECTOR_SIZE } from './disk-image';

/** Marker types of a streamOptimized extent (the `type` field of a metadata marker). */
export const MARKER_EOS = 0;
export const MARKER_GRAIN_TABLE = 1;
export const MARKER_GRAIN_DIRECTORY = 2;
export const MARKER_FOOTER = 3;

/** Bytes before the compressed data of a grain marker: uint64 lba + uint32 size. */
export const GRAIN_MARKER_HEADER = 12;

/** A metadata marker: a sector saying what the next `sectors` sectors hold. */
export function metadataMarker(sectors: number, type: number): Buffer {
  const buf = Buffer.alloc(SECTOR_SIZE);
  buf.writeBigUInt64LE(BigInt(sectors), 0);
  buf.writeUInt32LE(0, 8);
  buf.writeUInt32LE(type, 12);
  return buf;
}

/** A grain marker followed by its compressed bytes, padded to whole sectors. */
export function grainRecord(lba: number, compressed: Buffer): Buffer {
  const size = GRAIN_MARKER_HEADER + compressed.length;
  const buf = Buffer.alloc(Math.ceil(size / SECTOR_SIZE) * SECTOR_SIZE);
  buf.writeBigUInt64LE(BigInt(lba), 0);
  buf.writeUInt32LE(compressed.length, 8);
  compressed.copy(buf, GRAIN_MARKER_HEADER);
  return buf;
}
