import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { type AllocationProbe, defaultAllocationProbe } from './allocation-probe';
import {
  type DiskExtent,
  type DiskImage,
  DiskFormatError,
  SECTOR_SIZE,
  appendExtent,
  assertAlignedRange,
  extentsFromAllocatedRanges,
} from './disk-image';
import { extentNameProblem } from './extent-file-name';
import { assertCapacity } from './raw-image';
import { ThinFile } from './thin-file';
import {
  MAX_DESCRIPTOR_BYTES,
  type VmdkDescriptor,
  type VmdkExtentAccess,
  newVmdkDescriptor,
  parseVmdkDescriptor,
  serializeVmdkDescriptor,
} from './vmdk-descriptor';

/** createTypes whose extents are all plain files (or zero). */
export const FLAT_CREATE_TYPES = new Set([
  'monolithicFlat',
  'vmfs',
  'vmfsThin',
  'twoGbMaxExtentFlat',
  'vmfsPreallocated',
  'vmfsEagerZeroedThick',
]);

export interface VmdkFlatImageOptions {
  readOnly?: boolean;
  probe?: AllocationProbe;
  /** Where extents must be, for error messages (default "beside the descriptor"; an OVA import says "inside the OVA"). */
  extentHome?: string;
}

export interface CreateVmdkFlatOptions {
  probe?: AllocationProbe;
  /** `monolithicFlat` (hosted) or `vmfs` (ESXi); default monolithicFlat. */
  createType?: 'monolithicFlat' | 'vmfs';
  adapterType?: string;
  uuid?: string;
  /** Sets ddb.thinProvisioned; default true for vmfs (the extent is created sparse). */
  thinProvisioned?: boolean;
}

/** One extent mapped onto the virtual disk. */
interface Segment {
  start: number;
  length: number;
  access: VmdkExtentAccess;
  file?: ThinFile;
  fileOffset: number;
}

/** A VMDK made of a text descriptor and flat extent files (monolithicFlat, vmfs, twoGbMaxExtentFlat). */
export class VmdkFlatImage implements DiskImage {
  private constructor(
    readonly descriptorPath: string,
    readonly descriptor: VmdkDescriptor,
    private readonly segments: Segment[],
    readonly capacity: number,
    readonly readOnly: boolean,
    private readonly probe: AllocationProbe,
  ) {}

  static async open(descriptorPath: string, options: VmdkFlatImageOptions = {}): Promise<VmdkFlatImage> {
    const text = await readDescriptorFile(descriptorPath);
    const descriptor = parseVmdkDescriptor(text, descriptorPath);
    return VmdkFlatImage.fromDescriptor(descriptorPath, descriptor, options);
  }

  static async fromDescriptor(
    descriptorPath: string,
    descriptor: VmdkDescriptor,
    options: VmdkFlatImageOptions = {},
  ): Promise<VmdkFlatImage> {
    if (!FLAT_CREATE_TYPES.has(descriptor.createType)) {
      throw new DiskFormatError(descriptorPath, 0, `createType "${descriptor.createType}" is not a flat VMDK`);
    }
    if (descriptor.extents.length === 0) throw new DiskFormatError(descriptorPath, 0, 'descriptor lists no extents');
    const readOnly = (options.readOnly ?? false) || descriptor.extents.some((e) => e.access !== 'RW');
    const segments: Segment[] = [];
    let start = 0;
    try {
      for (const e of descriptor.extents) {
        const length = e.sectors * SECTOR_SIZE;
        if (e.type !== 'FLAT' && e.type !== 'VMFS' && e.type !== 'ZERO') {
          throw new DiskFormatError(descriptorPath, 0, `extent type ${e.type} is not supported in a flat VMDK`);
        }
        const segment: Segment = { start, length, access: e.access, fileOffset: (e.offset ?? 0) * SECTOR_SIZE };
        if (e.type !== 'ZERO' && e.access !== 'NOACCESS') {
          const problem = extentNameProblem(e.fileName ?? '');
          if (problem)
            throw new DiskFormatError(
              descriptorPath,
              0,
              `extent ${segments.length + 1} names ${JSON.stringify(e.fileName ?? '')}: an extent must be a file ${options.extentHome ?? 'beside the descriptor'} (this name ${problem})`,
            );
          const filePath = path.join(path.dirname(descriptorPath), e.fileName ?? '');
          segment.file = await openExtentFile(descriptorPath, filePath, segments.length, !readOnly);
          const size = await segment.file.size();
          if (size < segment.fileOffset + length) {
            segments.push(segment);
            throw new DiskFormatError(
              filePath,
              size,
              `extent file ends at ${size} bytes but the descriptor needs ${segment.fileOffset + length}`,
            );
          }
        }
        segments.push(segment);
        start += length;
        if (!Number.isSafeInteger(start)) throw new DiskFormatError(descriptorPath, 0, 'disk capacity out of range');
      }
    } catch (err) {
      await Promise.all(segments.map((s) => s.file?.close()));
      throw err;
    }
    return new VmdkFlatImage(descriptorPath, descriptor, segments, start, readOnly, options.probe ?? defaultAllocationProbe);
  }

  /** Creates `<name>.vmdk` plus a sparse `<name>-flat.vmdk` of `capacity` bytes. */
  static async create(descriptorPath: string, capacity: number, options: CreateVmdkFlatOptions = {}): Promise<VmdkFlatImage> {
    assertCapacity(capacity);
    const flatName = path.basename(descriptorPath).replace(/\.vmdk$/i, '') + '-flat.vmdk';
    const descriptor = newVmdkDescriptor({
      createType: options.createType ?? 'monolithicFlat',
      extents: [
        {
          access: 'RW',
          sectors: capacity / SECTOR_SIZE,
          type: options.createType === 'vmfs' ? 'VMFS' : 'FLAT',
          fileName: flatName,
          offset: 0,
        },
      ],
      capacity,
      adapterType: options.adapterType,
      uuid: options.uuid,
      thinProvisioned: options.thinProvisioned ?? options.createType === 'vmfs',
    });
    if (options.createType === 'vmfs') descriptor.extents[0]!.offset = undefined;
    const file = await ThinFile.create(path.join(path.dirname(descriptorPath), flatName), capacity);
    await file.close();
    await fsp.writeFile(descriptorPath, serializeVmdkDescriptor(descriptor), { mode: 0o600 });
    return VmdkFlatImage.open(descriptorPath, { probe: options.probe });
  }

  async extents(offset = 0, length = this.capacity - offset): Promise<DiskExtent[]> {
    assertAlignedRange(this.capacity, offset, length);
    const out: DiskExtent[] = [];
    for (const { segment, from, n } of this.pieces(offset, length)) {
      if (!segment.file) {
        appendExtent(out, segment.start + from, n, segment.access === 'NOACCESS' ? 'data' : 'zero');
        continue;
      }
      const base = segment.fileOffset;
      const ranges = await this.probe.allocatedRanges(segment.file.path, base + from, n);
      const local = extentsFromAllocatedRanges(base + from, n, ranges);
      for (const e of local) appendExtent(out, e.offset - base + segment.start, e.length, e.kind);
    }
    return out;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    await this.readInto(buf, offset);
    return buf;
  }

  /** Into the caller's buffer; parts with no extent file (ZERO extents) read as zeros. */
  async readInto(buf: Buffer, offset: number): Promise<void> {
    assertAlignedRange(this.capacity, offset, buf.length);
    const parts = [...this.pieces(offset, buf.length)];
    // Bytes no extent covers read as zeros too (the caller's buffer may hold anything).
    if (parts.reduce((sum, p) => sum + p.n, 0) !== buf.length) buf.fill(0);
    for (const { segment, from, n, at } of parts) {
      if (segment.access === 'NOACCESS')
        throw new Error(`${this.descriptorPath}: bytes ${segment.start}+${segment.length} are NOACCESS`);
      const part = buf.subarray(at, at + n);
      if (segment.file) await segment.file.readInto(part, segment.fileOffset + from);
      else part.fill(0);
    }
  }

  async write(offset: number, data: Buffer): Promise<void> {
    if (this.readOnly) throw new Error(`${this.descriptorPath} is open read-only`);
    assertAlignedRange(this.capacity, offset, data.length);
    for (const { segment, from, n, at } of this.pieces(offset, data.length)) {
      if (!segment.file)
        throw new Error(
          `${this.descriptorPath}: bytes ${segment.start}+${segment.length} are a ZERO extent and cannot be written`,
        );
      await segment.file.writeThin(segment.fileOffset + from, data.subarray(at, at + n));
    }
  }

  async flush(): Promise<void> {
    if (this.readOnly) return;
    for (const s of this.segments) await s.file?.sync();
  }

  async close(): Promise<void> {
    for (const s of this.segments) await s.file?.close();
  }

  /** Splits a disk range into per-extent pieces: `from` is the offset inside the extent, `at` inside the caller's buffer. */
  private *pieces(offset: number, length: number): Generator<{ segment: Segment; from: number; n: number; at: number }> {
    const end = offset + length;
    for (const segment of this.segments) {
      const s = Math.max(offset, segment.start);
      const e = Math.min(end, segment.start + segment.length);
      if (e > s) yield { segment, from: s - segment.start, n: e - s, at: s - offset };
    }
  }
}

/** Reads a descriptor file, refusing anything too large to be one. */
export async function readDescriptorFile(descriptorPath: string): Promise<string> {
  const stat = await fsp.stat(descriptorPath);
  if (stat.size > MAX_DESCRIPTOR_BYTES) {
    throw new DiskFormatError(
      descriptorPath,
      MAX_DESCRIPTOR_BYTES,
      `a ${stat.size}-byte file is too large to be a VMDK descriptor`,
    );
  }
  return fsp.readFile(descriptorPath, 'utf8');
}

/** Opens an extent file named by a descriptor; a missing or non-regular file is a descriptor problem. */
async function openExtentFile(descriptorPath: string, filePath: string, index: number, writable: boolean): Promise<ThinFile> {
  let stat;
  try {
    // lstat: a symbolic link beside the descriptor could point anywhere.
    stat = await fsp.lstat(filePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new DiskFormatError(descriptorPath, 0, `extent ${index + 1} names ${filePath}, which cannot be opened (${code})`);
  }
  if (!stat.isFile())
    throw new DiskFormatError(
      descriptorPath,
      0,
      `extent ${index + 1} names ${filePath}, which is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; extents must be regular files`,
    );
  return ThinFile.open(filePath, writable);
}
