import { DiskFormatError, SECTOR_SIZE } from './disk-image';

/** "KDMV" read as a little-endian uint32. */
export const SPARSE_MAGIC = 0x564d444b;
export const FLAG_VALID_NEWLINE_TEST = 1 << 0;
export const FLAG_REDUNDANT_GRAIN_TABLE = 1 << 1;
export const FLAG_ZERO_GRAIN_GTE = 1 << 2;
export const FLAG_COMPRESSED_GRAINS = 1 << 16;
export const FLAG_MARKERS = 1 << 17;
export const COMPRESSION_NONE = 0;
export const COMPRESSION_DEFLATE = 1;
/** gdOffset value meaning "the grain directory is found through the footer". */
export const GD_AT_END = -1;
/** Sane limits for values read from a file, so bad input cannot ask for huge work or memory. */
export const MAX_GRAIN_SECTORS = 2048;
export const MAX_GTES_PER_GT = 4096;

/** The 512-byte header of a hosted sparse extent (monolithicSparse and streamOptimized). */
export interface SparseExtentHeader {
  version: number;
  flags: number;
  /** Disk size in sectors. */
  capacity: number;
  /** Grain size in sectors. */
  grainSize: number;
  descriptorOffset: number;
  descriptorSize: number;
  numGTEsPerGT: number;
  rgdOffset: number;
  /** Sector of the grain directory, or GD_AT_END. */
  gdOffset: number;
  /** Sectors before the first grain. */
  overhead: number;
  uncleanShutdown: boolean;
  compressAlgorithm: number;
}

/** Parses and checks a header read from `file` at byte `at`. */
export function parseSparseExtentHeader(buf: Buffer, file: string, at = 0): SparseExtentHeader {
  if (buf.length < SECTOR_SIZE) throw new DiskFormatError(file, at + buf.length, 'file ends inside the sparse extent header');
  const fail = (field: number, problem: string): never => {
    throw new DiskFormatError(file, at + field, problem);
  };
  if (buf.readUInt32LE(0) !== SPARSE_MAGIC) fail(0, 'not a VMDK sparse extent (magic "KDMV" missing)');
  const u64 = (field: number, name: string, allowAllOnes = false): number => {
    const v = buf.readBigUInt64LE(field);
    if (allowAllOnes && v === 0xffffffffffffffffn) return GD_AT_END;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) / BigInt(SECTOR_SIZE)) fail(field, `${name} ${v} is out of range`);
    return Number(v);
  };
  const header: SparseExtentHeader = {
    version: buf.readUInt32LE(4),
    flags: buf.readUInt32LE(8),
    capacity: u64(12, 'capacity'),
    grainSize: u64(20, 'grain size'),
    descriptorOffset: u64(28, 'descriptor offset'),
    descriptorSize: u64(36, 'descriptor size'),
    numGTEsPerGT: buf.readUInt32LE(44),
    rgdOffset: u64(48, 'redundant grain directory offset'),
    gdOffset: u64(56, 'grain directory offset', true),
    overhead: u64(64, 'overhead'),
    uncleanShutdown: buf[72] !== 0,
    compressAlgorithm: buf.readUInt16LE(77),
  };
  if (header.version < 1 || header.version > 3) fail(4, `unsupported sparse extent version ${header.version}`);
  if (header.capacity === 0) fail(12, 'capacity is zero');
  const g = header.grainSize;
  if (g < 1 || g > MAX_GRAIN_SECTORS || (g & (g - 1)) !== 0)
    fail(20, `grain size ${g} sectors is not a power of two up to ${MAX_GRAIN_SECTORS}`);
  const n = header.numGTEsPerGT;
  if (n < 1 || n > MAX_GTES_PER_GT) fail(44, `${n} entries per grain table is outside 1..${MAX_GTES_PER_GT}`);
  if (header.flags & FLAG_VALID_NEWLINE_TEST) {
    if (buf[73] !== 0x0a || buf[74] !== 0x20 || buf[75] !== 0x0d || buf[76] !== 0x0a) {
      fail(73, 'newline test bytes are damaged (file was transferred in text mode?)');
    }
  }
  if (header.flags & FLAG_COMPRESSED_GRAINS && header.compressAlgorithm !== COMPRESSION_DEFLATE) {
    fail(77, `unsupported compression algorithm ${header.compressAlgorithm}`);
  }
  return header;
}

export function serializeSparseExtentHeader(h: SparseExtentHeader): Buffer {
  const buf = Buffer.alloc(SECTOR_SIZE);
  buf.writeUInt32LE(SPARSE_MAGIC, 0);
  buf.writeUInt32LE(h.version, 4);
  buf.writeUInt32LE(h.flags >>> 0, 8);
  buf.writeBigUInt64LE(BigInt(h.capacity), 12);
  buf.writeBigUInt64LE(BigInt(h.grainSize), 20);
  buf.writeBigUInt64LE(BigInt(h.descriptorOffset), 28);
  buf.writeBigUInt64LE(BigInt(h.descriptorSize), 36);
  buf.writeUInt32LE(h.numGTEsPerGT, 44);
  buf.writeBigUInt64LE(BigInt(h.rgdOffset), 48);
  buf.writeBigUInt64LE(h.gdOffset === GD_AT_END ? 0xffffffffffffffffn : BigInt(h.gdOffset), 56);
  buf.writeBigUInt64LE(BigInt(h.overhead), 64);
  buf[72] = h.uncleanShutdown ? 1 : 0;
  buf[73] = 0x0a;
  buf[74] = 0x20;
  buf[75] = 0x0d;
  buf[76] = 0x0a;
  buf.writeUInt16LE(h.compressAlgorithm, 77);
  return buf;
}

/** Number of grain directory entries (= grain tables) a header implies. */
export function grainTableCount(h: SparseExtentHeader): number {
  return Math.ceil(h.capacity / (h.grainSize * h.numGTEsPerGT));
}
