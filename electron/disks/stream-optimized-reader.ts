import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { type DiskExtent, type DiskImage, DiskFormatError, SECTOR_SIZE, assertAlignedRange } from './disk-image';
import { readChecked } from './checked-read';
import { GTE_ZERO, grainMapExtents } from './grain-extents';
import { readEmbeddedDescriptor } from './vmdk-sparse-image';
import {
  FLAG_COMPRESSED_GRAINS,
  GD_AT_END,
  type SparseExtentHeader,
  grainTableCount,
  parseSparseExtentHeader,
} from './sparse-extent-header';
import { GRAIN_MARKER_HEADER } from './stream-optimized-format';
import { ThinFile } from './thin-file';
import type { VmdkDescriptor } from './vmdk-descriptor';

const inflate = promisify(zlib.inflate);
/** Where the footer's header copy sits: before the EOS marker, after the footer marker. */
const FOOTER_FROM_END = 2 * SECTOR_SIZE;
const INFLATE_BATCH = 8;

/**
 * Reads any streamOptimized VMDK (ours, qemu-img's, VMware OVF exports): the
 * grain directory is found through the footer when the header says GD_AT_END,
 * grain table entries point at grain markers whose data is zlib-deflated.
 * Read-only; grain tables are loaded on demand and the last grain is cached.
 */
export class StreamOptimizedReader implements DiskImage {
  readonly readOnly = true;
  readonly capacity: number;
  private readonly grainBytes: number;
  private readonly gtCache = new Map<number, Uint32Array>();
  private lastGrain: { index: number; data: Buffer } | undefined;

  private constructor(
    private readonly file: ThinFile,
    private readonly fileSize: number,
    readonly header: SparseExtentHeader,
    readonly descriptor: VmdkDescriptor | undefined,
    private readonly gd: Uint32Array,
  ) {
    this.capacity = header.capacity * SECTOR_SIZE;
    this.grainBytes = header.grainSize * SECTOR_SIZE;
  }

  static async open(filePath: string): Promise<StreamOptimizedReader> {
    const file = await ThinFile.open(filePath, false);
    try {
      const fileSize = await file.size();
      let header = parseSparseExtentHeader(await readChecked(file, fileSize, 0, SECTOR_SIZE, 'sparse extent header'), filePath);
      const descriptor = await readEmbeddedDescriptor(file, fileSize, header);
      if (header.gdOffset === GD_AT_END) {
        const at = fileSize - FOOTER_FROM_END;
        const footer = await readChecked(file, fileSize, at, SECTOR_SIZE, 'footer (header copy before the end-of-stream marker)');
        header = parseSparseExtentHeader(footer, filePath, at);
        if (header.gdOffset === GD_AT_END)
          throw new DiskFormatError(filePath, at + 56, 'footer does not say where the grain directory is');
      }
      if (!(header.flags & FLAG_COMPRESSED_GRAINS))
        throw new DiskFormatError(filePath, 8, 'header does not announce compressed grains');
      if (header.capacity * SECTOR_SIZE > Number.MAX_SAFE_INTEGER)
        throw new DiskFormatError(filePath, 12, 'capacity out of range');
      const count = grainTableCount(header);
      const gdAt = header.gdOffset * SECTOR_SIZE;
      const raw = await readChecked(file, fileSize, gdAt, count * 4, 'grain directory');
      const gd = new Uint32Array(count);
      for (let i = 0; i < count; i++) {
        const entry = raw.readUInt32LE(i * 4);
        if (entry !== 0 && entry * SECTOR_SIZE + header.numGTEsPerGT * 4 > fileSize) {
          throw new DiskFormatError(
            filePath,
            gdAt + i * 4,
            `grain directory entry ${i} points past end of file (sector ${entry})`,
          );
        }
        gd[i] = entry;
      }
      return new StreamOptimizedReader(file, fileSize, header, descriptor, gd);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  async extents(offset = 0, length = this.capacity - offset): Promise<DiskExtent[]> {
    assertAlignedRange(this.capacity, offset, length);
    return grainMapExtents(offset, length, this.grainBytes, this.header.numGTEsPerGT, (i) => this.grainTable(i));
  }

  async read(offset: number, length: number): Promise<Buffer> {
    assertAlignedRange(this.capacity, offset, length);
    const buf = Buffer.alloc(length);
    const end = offset + length;
    const pieces: Array<{ grain: number; inGrain: number; n: number; at: number }> = [];
    for (let pos = offset; pos < end;) {
      const grain = Math.floor(pos / this.grainBytes);
      const inGrain = pos - grain * this.grainBytes;
      const n = Math.min(this.grainBytes - inGrain, end - pos);
      pieces.push({ grain, inGrain, n, at: pos - offset });
      pos += n;
    }
    // Grains inflate on the libuv pool, a few at a time.
    for (let i = 0; i < pieces.length; i += INFLATE_BATCH) {
      const batch = pieces.slice(i, i + INFLATE_BATCH);
      const grains = await Promise.all(batch.map((p) => this.grainData(p.grain, p.inGrain + p.n)));
      batch.forEach((p, j) => grains[j]?.copy(buf, p.at, p.inGrain, p.inGrain + p.n));
    }
    return buf;
  }

  async write(): Promise<void> {
    throw new Error('streamOptimized images are read-only here; convert to another format to modify the disk');
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.file.close();
  }

  /** Decompressed bytes of a grain (at least `needed` long), or undefined when it reads as zeros. */
  private async grainData(grain: number, needed: number): Promise<Buffer | undefined> {
    if (this.lastGrain?.index === grain && this.lastGrain.data.length >= needed) return this.lastGrain.data;
    const entry = await this.grainEntry(grain);
    if (entry <= GTE_ZERO) return undefined;
    const at = entry * SECTOR_SIZE;
    // One read for marker and data: the compressed size is bounded, so read the most it can be.
    const span = Math.min(GRAIN_MARKER_HEADER + this.maxCompressed(), this.fileSize - at);
    const record = await readChecked(
      this.file,
      this.fileSize,
      at,
      Math.max(span, GRAIN_MARKER_HEADER),
      `grain marker of grain ${grain}`,
    );
    const lba = record.readBigUInt64LE(0);
    if (lba !== BigInt(grain * this.header.grainSize)) {
      throw new DiskFormatError(
        this.file.path,
        at,
        `grain marker says sector ${lba}, grain table says sector ${grain * this.header.grainSize}`,
      );
    }
    const size = record.readUInt32LE(8);
    // Deflate can grow incompressible data a little; anything far larger is damage.
    if (size === 0 || size > this.maxCompressed()) {
      throw new DiskFormatError(
        this.file.path,
        at + 8,
        `compressed grain size ${size} is implausible for a ${this.grainBytes}-byte grain`,
      );
    }
    if (GRAIN_MARKER_HEADER + size > record.length) {
      throw new DiskFormatError(
        this.file.path,
        at + GRAIN_MARKER_HEADER,
        `compressed grain ${grain} (${size} bytes) lies outside the file (${this.fileSize} bytes)`,
      );
    }
    const compressed = record.subarray(GRAIN_MARKER_HEADER, GRAIN_MARKER_HEADER + size);
    let data: Buffer;
    try {
      data = await inflate(compressed, { maxOutputLength: this.grainBytes });
    } catch (err) {
      throw new DiskFormatError(
        this.file.path,
        at + GRAIN_MARKER_HEADER,
        `grain ${grain} does not decompress: ${(err as Error).message}`,
      );
    }
    if (data.length < needed) {
      throw new DiskFormatError(
        this.file.path,
        at + GRAIN_MARKER_HEADER,
        `grain ${grain} decompresses to ${data.length} bytes, ${needed} needed`,
      );
    }
    this.lastGrain = { index: grain, data };
    return data;
  }

  private maxCompressed(): number {
    return this.grainBytes + 4096;
  }

  private async grainEntry(grain: number): Promise<number> {
    const table = await this.grainTable(Math.floor(grain / this.header.numGTEsPerGT));
    return table?.[grain % this.header.numGTEsPerGT] ?? 0;
  }

  private async grainTable(index: number): Promise<Uint32Array | undefined> {
    const cached = this.gtCache.get(index);
    if (cached) return cached;
    const sector = this.gd[index] ?? 0;
    if (sector === 0) return undefined;
    const at = sector * SECTOR_SIZE;
    const raw = await readChecked(this.file, this.fileSize, at, this.header.numGTEsPerGT * 4, `grain table ${index}`);
    const table = new Uint32Array(this.header.numGTEsPerGT);
    for (let i = 0; i < table.length; i++) {
      const entry = raw.readUInt32LE(i * 4);
      if (entry > GTE_ZERO && entry * SECTOR_SIZE + GRAIN_MARKER_HEADER > this.fileSize) {
        throw new DiskFormatError(
          this.file.path,
          at + i * 4,
          `grain table ${index} entry ${i} points past end of file (sector ${entry})`,
        );
      }
      table[i] = entry;
    }
    this.gtCache.set(index, table);
    return table;
  }
}
