import { type AllocationProbe, defaultAllocationProbe } from './allocation-probe';
import {
  type DiskExtent,
  type DiskImage,
  DiskFormatError,
  SECTOR_SIZE,
  assertAlignedRange,
  extentsFromAllocatedRanges,
} from './disk-image';
import { ThinFile } from './thin-file';

export interface RawImageOptions {
  readOnly?: boolean;
  /** Where extents come from; defaults to the zero-block scanner. */
  probe?: AllocationProbe;
}

/** A sparse raw disk file: byte N of the file is byte N of the disk. */
export class RawImage implements DiskImage {
  private constructor(
    private readonly file: ThinFile,
    readonly capacity: number,
    readonly readOnly: boolean,
    private readonly probe: AllocationProbe,
  ) {}

  static async open(path: string, options: RawImageOptions = {}): Promise<RawImage> {
    const readOnly = options.readOnly ?? false;
    const file = await ThinFile.open(path, !readOnly);
    const size = await file.size();
    if (size % SECTOR_SIZE !== 0) {
      await file.close();
      throw new DiskFormatError(path, size, `raw image size ${size} is not a multiple of ${SECTOR_SIZE} bytes`);
    }
    return new RawImage(file, size, readOnly, options.probe ?? defaultAllocationProbe);
  }

  /** Creates a raw image of `capacity` bytes that occupies no disk space yet. */
  static async create(path: string, capacity: number, options: RawImageOptions = {}): Promise<RawImage> {
    assertCapacity(capacity);
    const file = await ThinFile.create(path, capacity);
    return new RawImage(file, capacity, false, options.probe ?? defaultAllocationProbe);
  }

  async extents(offset = 0, length = this.capacity - offset): Promise<DiskExtent[]> {
    assertAlignedRange(this.capacity, offset, length);
    const ranges = await this.probe.allocatedRanges(this.file.path, offset, length);
    return extentsFromAllocatedRanges(offset, length, ranges);
  }

  async read(offset: number, length: number): Promise<Buffer> {
    assertAlignedRange(this.capacity, offset, length);
    return this.file.read(offset, length);
  }

  async readInto(buf: Buffer, offset: number): Promise<void> {
    assertAlignedRange(this.capacity, offset, buf.length);
    await this.file.readInto(buf, offset);
  }

  async write(offset: number, data: Buffer): Promise<void> {
    if (this.readOnly) throw new Error(`${this.file.path} is open read-only`);
    assertAlignedRange(this.capacity, offset, data.length);
    await this.file.writeThin(offset, data);
  }

  async flush(): Promise<void> {
    if (!this.readOnly) await this.file.sync();
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** Capacity must be a positive whole number of sectors. */
export function assertCapacity(capacity: number): void {
  if (!Number.isSafeInteger(capacity) || capacity <= 0 || capacity % SECTOR_SIZE !== 0) {
    throw new RangeError(`disk capacity must be a positive multiple of ${SECTOR_SIZE} bytes (got ${capacity})`);
  }
}
