import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { type DiskExtent, type DiskImage, SECTOR_SIZE, appendExtent, assertAlignedRange } from './disk-image';
import { assertCapacity } from './raw-image';
import {
  COMPRESSION_DEFLATE,
  FLAG_COMPRESSED_GRAINS,
  FLAG_MARKERS,
  FLAG_VALID_NEWLINE_TEST,
  GD_AT_END,
  type SparseExtentHeader,
  grainTableCount,
  serializeSparseExtentHeader,
} from './sparse-extent-header';
import {
  MARKER_EOS,
  MARKER_FOOTER,
  MARKER_GRAIN_DIRECTORY,
  MARKER_GRAIN_TABLE,
  grainRecord,
  metadataMarker,
} from './stream-optimized-format';
import { ThinFile } from './thin-file';
import { EMBEDDED_DESCRIPTOR_SECTORS, embeddedDescriptor } from './vmdk-descriptor';
import { isAllZero } from './zero-block';

const deflate = promisify(zlib.deflate);
const DESCRIPTOR_SECTORS = EMBEDDED_DESCRIPTOR_SECTORS;
const GTES_PER_GT = 512;
/** Grains compressed at once (zlib runs on the libuv pool). */
const COMPRESS_BATCH = 8;

export interface CreateStreamOptimizedOptions {
  /** Grain size in sectors; default 128 (64 KiB). */
  grainSize?: number;
  adapterType?: string;
  uuid?: string;
  /** zlib level 1..9; default 6. */
  compressionLevel?: number;
}

/**
 * Writes a streamOptimized VMDK front to back, the way an OVA export needs it:
 * header (gdOffset = GD_AT_END) and descriptor, compressed grains each behind a
 * grain marker, a grain table marker + table after each table's grains, then the
 * grain directory, the footer (a header copy that knows the directory) and EOS.
 *
 * Constraint: writes go in increasing offset order at the grain-table level. The
 * writer holds one grain table's span (512 grains, 32 MiB at the default grain
 * size) in memory; inside that span writes may come in any order, but a write
 * before the span's start is refused. All-zero grains are not stored.
 * close() completes the file; without it the file is not a valid VMDK.
 */
export class StreamOptimizedWriter implements DiskImage {
  readonly readOnly = false;
  private readonly grainBytes: number;
  private readonly gd: Uint32Array;
  private readonly gts = new Map<number, Uint32Array>();
  private readonly pending = new Map<number, Buffer>();
  private currentTable = 0;
  private filePos: number;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly file: ThinFile,
    private readonly header: SparseExtentHeader,
    readonly capacity: number,
    private readonly level: number,
  ) {
    this.grainBytes = header.grainSize * SECTOR_SIZE;
    this.gd = new Uint32Array(grainTableCount(header));
    this.filePos = header.overhead * SECTOR_SIZE;
  }

  static async create(
    filePath: string,
    capacity: number,
    options: CreateStreamOptimizedOptions = {},
  ): Promise<StreamOptimizedWriter> {
    assertCapacity(capacity);
    if (capacity / SECTOR_SIZE > 0xffffffff) throw new RangeError('a streamOptimized VMDK holds at most 2 TiB');
    const grainSize = options.grainSize ?? 128;
    if (grainSize < 8 || grainSize > 2048 || (grainSize & (grainSize - 1)) !== 0) {
      throw new RangeError(`grain size must be a power of two from 8 to 2048 sectors (got ${grainSize})`);
    }
    const capacitySectors = capacity / SECTOR_SIZE;
    const header: SparseExtentHeader = {
      version: 3,
      flags: FLAG_VALID_NEWLINE_TEST | FLAG_COMPRESSED_GRAINS | FLAG_MARKERS,
      capacity: capacitySectors,
      grainSize,
      descriptorOffset: 1,
      descriptorSize: DESCRIPTOR_SECTORS,
      numGTEsPerGT: GTES_PER_GT,
      rgdOffset: 0,
      gdOffset: GD_AT_END,
      overhead: Math.ceil((1 + DESCRIPTOR_SECTORS) / grainSize) * grainSize,
      uncleanShutdown: false,
      compressAlgorithm: COMPRESSION_DEFLATE,
    };
    const text = embeddedDescriptor('streamOptimized', path.basename(filePath), capacity, options);
    const file = await ThinFile.create(filePath, 0);
    try {
      await file.writeAll(0, serializeSparseExtentHeader(header));
      await file.writeAll(SECTOR_SIZE, text);
    } catch (err) {
      await file.close();
      throw err;
    }
    return new StreamOptimizedWriter(file, header, capacity, options.compressionLevel ?? 6);
  }

  /** Extents written so far (stored grains and buffered non-zero grains are `data`). */
  async extents(offset = 0, length = this.capacity - offset): Promise<DiskExtent[]> {
    assertAlignedRange(this.capacity, offset, length);
    await this.queue;
    const out: DiskExtent[] = [];
    const end = offset + length;
    let pos = offset;
    while (pos < end) {
      const grain = Math.floor(pos / this.grainBytes);
      const n = Math.min((grain + 1) * this.grainBytes, end) - pos;
      const stored = (this.gts.get(Math.floor(grain / GTES_PER_GT))?.[grain % GTES_PER_GT] ?? 0) !== 0;
      const buffered = this.pending.get(grain);
      appendExtent(out, pos, n, stored || (buffered !== undefined && !isAllZero(buffered)) ? 'data' : 'zero');
      pos += n;
    }
    return out;
  }

  async read(): Promise<Buffer> {
    throw new Error('a streamOptimized image being written cannot be read; close it and open it with the reader');
  }

  write(offset: number, data: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error('stream-optimized writer is closed'));
    assertAlignedRange(this.capacity, offset, data.length);
    const spanStart = this.currentTable * GTES_PER_GT * this.grainBytes;
    if (offset < spanStart) {
      return Promise.reject(
        new RangeError(
          `streamOptimized output is sequential: offset ${offset} is before the grain table already being written (from ${spanStart})`,
        ),
      );
    }
    const run = this.queue.then(() => this.writeNow(offset, data));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Data reaches the file as grain tables complete; flush only syncs what is there. */
  async flush(): Promise<void> {
    await this.queue;
    await this.file.sync();
  }

  /** Finishes the stream (last grain table, directory, footer, EOS) and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.queue;
      await this.emitTable();
      const gdSectors = Math.ceil((this.gd.length * 4) / SECTOR_SIZE);
      await this.append(metadataMarker(gdSectors, MARKER_GRAIN_DIRECTORY));
      const gdSector = this.filePos / SECTOR_SIZE;
      const gdBuf = Buffer.alloc(gdSectors * SECTOR_SIZE);
      this.gd.forEach((v, i) => gdBuf.writeUInt32LE(v, i * 4));
      await this.append(gdBuf);
      await this.append(metadataMarker(1, MARKER_FOOTER));
      await this.append(serializeSparseExtentHeader({ ...this.header, gdOffset: gdSector }));
      await this.append(metadataMarker(0, MARKER_EOS));
      await this.file.sync();
    } finally {
      await this.file.close();
    }
  }

  private async writeNow(offset: number, data: Buffer): Promise<void> {
    const end = offset + data.length;
    let pos = offset;
    while (pos < end) {
      const grain = Math.floor(pos / this.grainBytes);
      const inGrain = pos - grain * this.grainBytes;
      const n = Math.min(this.grainBytes - inGrain, end - pos);
      const table = Math.floor(grain / GTES_PER_GT);
      if (table < this.currentTable) {
        throw new RangeError(
          `streamOptimized output is sequential: offset ${pos} is before the grain table already being written`,
        );
      }
      if (table > this.currentTable) {
        await this.emitTable();
        this.currentTable = table;
      }
      let buf = this.pending.get(grain);
      if (!buf) {
        buf = Buffer.alloc(Math.min(this.grainBytes, this.capacity - grain * this.grainBytes));
        this.pending.set(grain, buf);
      }
      data.copy(buf, inGrain, pos - offset, pos - offset + n);
      pos += n;
    }
  }

  /** Compresses and appends the buffered grains of the current table, then the table itself. */
  private async emitTable(): Promise<void> {
    const grains = [...this.pending.entries()].filter(([, buf]) => !isAllZero(buf)).sort((a, b) => a[0] - b[0]);
    this.pending.clear();
    if (grains.length === 0) return;
    const table = new Uint32Array(GTES_PER_GT);
    for (let i = 0; i < grains.length; i += COMPRESS_BATCH) {
      const batch = grains.slice(i, i + COMPRESS_BATCH);
      const compressed = await Promise.all(batch.map(([, buf]) => deflate(buf, { level: this.level })));
      const records: Buffer[] = [];
      let sector = this.filePos / SECTOR_SIZE;
      for (let j = 0; j < batch.length; j++) {
        const grain = batch[j]![0];
        const record = grainRecord(grain * this.header.grainSize, compressed[j]!);
        table[grain % GTES_PER_GT] = sector;
        sector += record.length / SECTOR_SIZE;
        records.push(record);
      }
      await this.append(Buffer.concat(records));
    }
    const tableSectors = Math.ceil((GTES_PER_GT * 4) / SECTOR_SIZE);
    await this.append(metadataMarker(tableSectors, MARKER_GRAIN_TABLE));
    this.gd[this.currentTable] = this.filePos / SECTOR_SIZE;
    this.gts.set(this.currentTable, table);
    const tableBuf = Buffer.alloc(tableSectors * SECTOR_SIZE);
    table.forEach((v, i) => tableBuf.writeUInt32LE(v, i * 4));
    await this.append(tableBuf);
  }

  private async append(buf: Buffer): Promise<void> {
    // Grain and table positions are 32-bit sector numbers.
    if ((this.filePos + buf.length) / SECTOR_SIZE > 0xffffffff) {
      throw new Error('streamOptimized output would exceed 2 TiB of file; sector numbers are 32-bit');
    }
    await this.file.writeAll(this.filePos, buf);
    this.filePos += buf.length;
  }
}
