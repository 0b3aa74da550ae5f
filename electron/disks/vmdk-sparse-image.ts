import * as path from 'node:path';
import { type DiskExtent, type DiskImage, DiskFormatError, SECTOR_SIZE, assertAlignedRange } from './disk-image';
import { readChecked } from './checked-read';
import { GTE_ZERO, grainMapExtents } from './grain-extents';
import { assertCapacity } from './raw-image';
import {
  COMPRESSION_NONE,
  FLAG_COMPRESSED_GRAINS,
  FLAG_MARKERS,
  FLAG_REDUNDANT_GRAIN_TABLE,
  FLAG_VALID_NEWLINE_TEST,
  GD_AT_END,
  type SparseExtentHeader,
  grainTableCount,
  parseSparseExtentHeader,
  serializeSparseExtentHeader,
} from './sparse-extent-header';
import { ThinFile } from './thin-file';
import {
  type VmdkDescriptor,
  EMBEDDED_DESCRIPTOR_SECTORS,
  MAX_DESCRIPTOR_BYTES,
  embeddedDescriptor,
  parseVmdkDescriptor,
} from './vmdk-descriptor';
import { isAllZero } from './zero-block';

const DESCRIPTOR_SECTORS = EMBEDDED_DESCRIPTOR_SECTORS;
/** Grain table entries are 32-bit sector numbers. */
const MAX_SECTOR = 0xffffffff;
/** Consecutive new grains are written together up to this size. */
const MAX_RUN_BYTES = 4 * 1024 * 1024;

export interface VmdkSparseImageOptions {
  readOnly?: boolean;
}

export interface CreateVmdkSparseOptions {
  /** Grain size in sectors; default 128 (64 KiB). */
  grainSize?: number;
  adapterType?: string;
  uuid?: string;
}

/**
 * A monolithicSparse VMDK (hosted sparse extent with the descriptor embedded).
 * Grain tables are loaded on demand; new grains are appended at end of file and
 * recorded in both the grain table and its redundant copy. All-zero writes to
 * unallocated grains allocate nothing.
 */
export class VmdkSparseImage implements DiskImage {
  readonly capacity: number;
  private readonly grainBytes: number;
  private readonly gtCache = new Map<number, Uint32Array>();
  private readonly dirtyTables = new Set<number>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: ThinFile,
    private fileSize: number,
    readonly header: SparseExtentHeader,
    readonly descriptor: VmdkDescriptor | undefined,
    private readonly gd: Uint32Array,
    private readonly rgd: Uint32Array | undefined,
    readonly readOnly: boolean,
  ) {
    this.capacity = header.capacity * SECTOR_SIZE;
    this.grainBytes = header.grainSize * SECTOR_SIZE;
  }

  static async open(filePath: string, options: VmdkSparseImageOptions = {}): Promise<VmdkSparseImage> {
    const readOnly = options.readOnly ?? false;
    const file = await ThinFile.open(filePath, !readOnly);
    try {
      const fileSize = await file.size();
      const header = parseSparseExtentHeader(await readChecked(file, fileSize, 0, SECTOR_SIZE, 'sparse extent header'), filePath);
      if (header.flags & (FLAG_COMPRESSED_GRAINS | FLAG_MARKERS) || header.gdOffset === GD_AT_END) {
        throw new DiskFormatError(filePath, 8, 'this is a streamOptimized extent; open it with the stream-optimized reader');
      }
      if (header.capacity * SECTOR_SIZE > Number.MAX_SAFE_INTEGER)
        throw new DiskFormatError(filePath, 12, 'capacity out of range');
      const descriptor = await readEmbeddedDescriptor(file, fileSize, header);
      const gd = await readDirectory(file, fileSize, header, header.gdOffset, 'grain directory');
      const rgd =
        header.flags & FLAG_REDUNDANT_GRAIN_TABLE && header.rgdOffset > 0
          ? await readDirectory(file, fileSize, header, header.rgdOffset, 'redundant grain directory')
          : undefined;
      return new VmdkSparseImage(file, fileSize, header, descriptor, gd, rgd, readOnly);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /** Creates an empty monolithicSparse image laid out like VMware and qemu-img do. */
  static async create(filePath: string, capacity: number, options: CreateVmdkSparseOptions = {}): Promise<VmdkSparseImage> {
    assertCapacity(capacity);
    if (capacity / SECTOR_SIZE > MAX_SECTOR) throw new RangeError('a sparse VMDK holds at most 2 TiB');
    const grainSize = options.grainSize ?? 128;
    if (grainSize < 8 || grainSize > 2048 || (grainSize & (grainSize - 1)) !== 0) {
      throw new RangeError(`grain size must be a power of two from 8 to 2048 sectors (got ${grainSize})`);
    }
    const gtes = 512;
    const capacitySectors = capacity / SECTOR_SIZE;
    const gtCount = Math.ceil(capacitySectors / (grainSize * gtes));
    const gtSectors = Math.ceil((gtes * 4) / SECTOR_SIZE);
    const gdSectors = Math.ceil((gtCount * 4) / SECTOR_SIZE);
    const rgdOffset = 1 + DESCRIPTOR_SECTORS;
    const gdOffset = rgdOffset + gdSectors + gtCount * gtSectors;
    const metadataEnd = gdOffset + gdSectors + gtCount * gtSectors;
    const overhead = Math.ceil(metadataEnd / grainSize) * grainSize;
    const header: SparseExtentHeader = {
      version: 1,
      flags: FLAG_VALID_NEWLINE_TEST | FLAG_REDUNDANT_GRAIN_TABLE,
      capacity: capacitySectors,
      grainSize,
      descriptorOffset: 1,
      descriptorSize: DESCRIPTOR_SECTORS,
      numGTEsPerGT: gtes,
      rgdOffset,
      gdOffset,
      overhead,
      uncleanShutdown: false,
      compressAlgorithm: COMPRESSION_NONE,
    };
    const text = embeddedDescriptor('monolithicSparse', path.basename(filePath), capacity, options);
    const file = await ThinFile.create(filePath, overhead * SECTOR_SIZE);
    try {
      await file.writeAll(0, serializeSparseExtentHeader(header));
      await file.writeAll(SECTOR_SIZE, text);
      // Grain tables stay holes (all entries zero = unallocated); only the directories point at them.
      for (const [dirSector, firstTable] of [
        [rgdOffset, rgdOffset + gdSectors],
        [gdOffset, gdOffset + gdSectors],
      ] as const) {
        const dir = Buffer.alloc(gtCount * 4);
        for (let i = 0; i < gtCount; i++) dir.writeUInt32LE(firstTable + i * gtSectors, i * 4);
        await file.writeAll(dirSector * SECTOR_SIZE, dir);
      }
    } finally {
      await file.close();
    }
    return VmdkSparseImage.open(filePath);
  }

  async extents(offset = 0, length = this.capacity - offset): Promise<DiskExtent[]> {
    assertAlignedRange(this.capacity, offset, length);
    return grainMapExtents(offset, length, this.grainBytes, this.header.numGTEsPerGT, (i) => this.grainTable(i));
  }

  async read(offset: number, length: number): Promise<Buffer> {
    assertAlignedRange(this.capacity, offset, length);
    const buf = Buffer.alloc(length);
    // Grains stored back to back in the file are read with one call.
    let run: { fileAt: number; at: number; n: number; grain: number } | undefined;
    const readRun = async (): Promise<void> => {
      if (!run) return;
      const data = await readChecked(this.file, this.fileSize, run.fileAt, run.n, `grain ${run.grain}`);
      data.copy(buf, run.at);
      run = undefined;
    };
    for (const { grain, inGrain, n, at } of this.grainPieces(offset, length)) {
      const entry = await this.grainEntry(grain);
      if (entry <= GTE_ZERO) {
        await readRun();
        continue;
      }
      const fileAt = entry * SECTOR_SIZE + inGrain;
      if (run && run.fileAt + run.n === fileAt && run.at + run.n === at && run.n < MAX_RUN_BYTES) {
        run.n += n;
        continue;
      }
      await readRun();
      run = { fileAt, at, n, grain };
    }
    await readRun();
    return buf;
  }

  write(offset: number, data: Buffer): Promise<void> {
    if (this.readOnly) return Promise.reject(new Error(`${this.file.path} is open read-only`));
    assertAlignedRange(this.capacity, offset, data.length);
    // Writes are serialised: grain allocation appends to the file.
    return this.serialised(() => this.writeNow(offset, data));
  }

  async flush(): Promise<void> {
    if (this.readOnly) return;
    await this.serialised(() => this.writeDirtyTables());
    await this.file.sync();
  }

  async close(): Promise<void> {
    try {
      if (!this.readOnly) await this.serialised(() => this.writeDirtyTables());
      else await this.queue;
    } finally {
      await this.file.close();
    }
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * New grains are appended at end of file, consecutive ones in one write; their
   * grain table entries change in memory and reach the file (both copies) on flush/close.
   */
  private async writeNow(offset: number, data: Buffer): Promise<void> {
    let runSector = 0;
    const run: Buffer[] = [];
    const writeRun = async (): Promise<void> => {
      if (run.length === 0) return;
      const bytes = run.length === 1 ? run[0]! : Buffer.concat(run);
      run.length = 0;
      await this.file.writeAll(runSector * SECTOR_SIZE, bytes);
    };
    try {
      for (const { grain, inGrain, n, at } of this.grainPieces(offset, data.length)) {
        const piece = data.subarray(at, at + n);
        const entry = await this.grainEntry(grain);
        if (entry > GTE_ZERO) {
          await this.file.writeAll(entry * SECTOR_SIZE + inGrain, piece);
          continue;
        }
        if (isAllZero(piece)) continue;
        const full = Buffer.alloc(this.grainBytes);
        piece.copy(full, inGrain);
        const index = Math.floor(grain / this.header.numGTEsPerGT);
        const table = (await this.grainTable(index)) ?? (await this.allocateGrainTable(index));
        const sector = Math.ceil(this.fileSize / SECTOR_SIZE);
        if (sector + this.header.grainSize > MAX_SECTOR) {
          throw new Error(`${this.file.path} is full: a sparse VMDK cannot store grains beyond 2 TiB of file`);
        }
        if (run.length > 0 && sector !== runSector + run.length * this.header.grainSize) await writeRun();
        if (run.length === 0) runSector = sector;
        run.push(full);
        this.fileSize = sector * SECTOR_SIZE + this.grainBytes;
        table[grain % this.header.numGTEsPerGT] = sector;
        this.dirtyTables.add(index);
        if (run.length * this.grainBytes >= MAX_RUN_BYTES) await writeRun();
      }
    } finally {
      await writeRun();
    }
  }

  private async writeDirtyTables(): Promise<void> {
    for (const index of [...this.dirtyTables].sort((a, b) => a - b)) {
      const table = this.gtCache.get(index);
      if (!table) continue;
      const bytes = Buffer.alloc(table.length * 4);
      table.forEach((v, i) => bytes.writeUInt32LE(v, i * 4));
      await this.file.writeAll((this.gd[index] ?? 0) * SECTOR_SIZE, bytes);
      const redundant = this.rgd?.[index] ?? 0;
      if (redundant > 0) await this.file.writeAll(redundant * SECTOR_SIZE, bytes);
      this.dirtyTables.delete(index);
    }
  }

  private *grainPieces(offset: number, length: number): Generator<{ grain: number; inGrain: number; n: number; at: number }> {
    const end = offset + length;
    let pos = offset;
    while (pos < end) {
      const grain = Math.floor(pos / this.grainBytes);
      const inGrain = pos - grain * this.grainBytes;
      const n = Math.min(this.grainBytes - inGrain, end - pos);
      yield { grain, inGrain, n, at: pos - offset };
      pos += n;
    }
  }

  /** The grain table entry for `grain`: 0 unallocated, 1 zero, else the grain's sector. */
  private async grainEntry(grain: number): Promise<number> {
    const table = await this.grainTable(Math.floor(grain / this.header.numGTEsPerGT));
    return table ? (table[grain % this.header.numGTEsPerGT] ?? 0) : 0;
  }

  private async grainTable(index: number): Promise<Uint32Array | undefined> {
    const cached = this.gtCache.get(index);
    if (cached) return cached;
    const sector = this.gd[index] ?? 0;
    if (sector === 0) return undefined;
    const bytes = this.header.numGTEsPerGT * 4;
    const raw = await readChecked(this.file, this.fileSize, sector * SECTOR_SIZE, bytes, `grain table ${index}`);
    const table = new Uint32Array(this.header.numGTEsPerGT);
    for (let i = 0; i < table.length; i++) {
      const entry = raw.readUInt32LE(i * 4);
      // Bounds of a grain are checked when it is read; here only that it starts inside the file.
      if (entry > GTE_ZERO && entry * SECTOR_SIZE >= this.fileSize) {
        throw new DiskFormatError(
          this.file.path,
          sector * SECTOR_SIZE + i * 4,
          `grain table ${index} entry ${i} points past end of file (sector ${entry})`,
        );
      }
      // A grain inside the metadata would be overwritten by (or overwrite) the tables on write.
      if (entry > GTE_ZERO && entry < this.header.overhead) {
        throw new DiskFormatError(
          this.file.path,
          sector * SECTOR_SIZE + i * 4,
          `grain table ${index} entry ${i} points into the metadata area (sector ${entry} < ${this.header.overhead})`,
        );
      }
      table[i] = entry;
    }
    this.gtCache.set(index, table);
    return table;
  }

  /** Adds a grain table (and its redundant copy) at end of file for a directory entry that had none. */
  private async allocateGrainTable(index: number): Promise<Uint32Array> {
    const tableSectors = Math.ceil((this.header.numGTEsPerGT * 4) / SECTOR_SIZE);
    for (const [dir, dirSector] of [
      [this.gd, this.header.gdOffset],
      [this.rgd, this.header.rgdOffset],
    ] as const) {
      if (!dir) continue;
      const sector = Math.ceil(this.fileSize / SECTOR_SIZE);
      this.fileSize = (sector + tableSectors) * SECTOR_SIZE;
      await this.file.truncate(this.fileSize);
      dir[index] = sector;
      const entry = Buffer.alloc(4);
      entry.writeUInt32LE(sector, 0);
      await this.file.writeAll(dirSector * SECTOR_SIZE + index * 4, entry);
    }
    const table = new Uint32Array(this.header.numGTEsPerGT);
    this.gtCache.set(index, table);
    return table;
  }
}

async function readDirectory(
  file: ThinFile,
  fileSize: number,
  header: SparseExtentHeader,
  sector: number,
  what: string,
): Promise<Uint32Array> {
  const count = grainTableCount(header);
  const raw = await readChecked(file, fileSize, sector * SECTOR_SIZE, count * 4, what);
  const tableBytes = header.numGTEsPerGT * 4;
  const dir = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const entry = raw.readUInt32LE(i * 4);
    if (entry !== 0 && entry * SECTOR_SIZE + tableBytes > fileSize) {
      throw new DiskFormatError(
        file.path,
        sector * SECTOR_SIZE + i * 4,
        `${what} entry ${i} points past end of file (sector ${entry})`,
      );
    }
    dir[i] = entry;
  }
  return dir;
}

/** Reads and parses the descriptor embedded in a sparse extent, if the header says there is one. */
export async function readEmbeddedDescriptor(
  file: ThinFile,
  fileSize: number,
  header: SparseExtentHeader,
): Promise<VmdkDescriptor | undefined> {
  if (header.descriptorOffset === 0 || header.descriptorSize === 0) return undefined;
  const bytes = header.descriptorSize * SECTOR_SIZE;
  if (bytes > MAX_DESCRIPTOR_BYTES)
    throw new DiskFormatError(file.path, 36, `embedded descriptor size ${bytes} bytes is implausible`);
  const offset = header.descriptorOffset * SECTOR_SIZE;
  const raw = await readChecked(file, fileSize, offset, bytes, 'embedded descriptor');
  const nul = raw.indexOf(0);
  return parseVmdkDescriptor(raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8'), file.path, offset);
}
