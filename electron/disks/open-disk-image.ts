import { promises as fsp } from 'node:fs';
import type { AllocationProbe } from './allocation-probe';
import { type DiskImage, DiskFormatError, SECTOR_SIZE } from './disk-image';
import { RawImage } from './raw-image';
import { FLAG_COMPRESSED_GRAINS, SPARSE_MAGIC } from './sparse-extent-header';
import { StreamOptimizedReader } from './stream-optimized-reader';
import { StreamOptimizedWriter } from './stream-optimized-writer';
import { MAX_DESCRIPTOR_BYTES, parseVmdkDescriptor } from './vmdk-descriptor';
import { FLAT_CREATE_TYPES, VmdkFlatImage, readDescriptorFile } from './vmdk-flat-image';
import { VmdkSparseImage } from './vmdk-sparse-image';

export type DiskImageFormat = 'raw' | 'vmdk-flat' | 'vmdk-vmfs' | 'vmdk-sparse' | 'vmdk-stream-optimized';

export const DISK_IMAGE_FORMATS: readonly DiskImageFormat[] = [
  'raw',
  'vmdk-flat',
  'vmdk-vmfs',
  'vmdk-sparse',
  'vmdk-stream-optimized',
];

export interface OpenDiskImageOptions {
  readOnly?: boolean;
  /** Skip detection. */
  format?: DiskImageFormat;
  /** Allocation probe for raw and flat images. */
  probe?: AllocationProbe;
  /** Where a flat VMDK's extents must be, for messages ("inside the OVA"); see VmdkFlatImage. */
  extentHome?: string;
}

export interface CreateDiskImageOptions {
  probe?: AllocationProbe;
  adapterType?: string;
  uuid?: string;
  /** Grain size in sectors for sparse and streamOptimized VMDKs. */
  grainSize?: number;
  compressionLevel?: number;
}

const DESCRIPTOR_SIGNATURE = '# Disk DescriptorFile';
const COWD_MAGIC = 0x44574f43;

/** Works out what a local file holds from its first sector (magic or descriptor text). */
export async function detectDiskImageFormat(filePath: string): Promise<DiskImageFormat> {
  const handle = await fsp.open(filePath, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(SECTOR_SIZE);
    const { bytesRead } = await handle.read(head, 0, SECTOR_SIZE, 0);
    if (bytesRead >= 4 && head.readUInt32LE(0) === SPARSE_MAGIC) {
      if (bytesRead < SECTOR_SIZE) throw new DiskFormatError(filePath, bytesRead, 'file ends inside the sparse extent header');
      const flags = head.readUInt32LE(8);
      const atEnd = head.readBigUInt64LE(56) === 0xffffffffffffffffn;
      return flags & FLAG_COMPRESSED_GRAINS || atEnd ? 'vmdk-stream-optimized' : 'vmdk-sparse';
    }
    if (bytesRead >= 4 && head.readUInt32LE(0) === COWD_MAGIC) {
      throw new DiskFormatError(
        filePath,
        0,
        'ESX COWD sparse extents (vmfsSparse) are not supported; open the descriptor of a flat disk or convert first',
      );
    }
    if (size <= MAX_DESCRIPTOR_BYTES && head.toString('latin1', 0, bytesRead).trimStart().startsWith(DESCRIPTOR_SIGNATURE)) {
      const descriptor = parseVmdkDescriptor(await readDescriptorFile(filePath), filePath);
      if (FLAT_CREATE_TYPES.has(descriptor.createType))
        return descriptor.createType.startsWith('vmfs') ? 'vmdk-vmfs' : 'vmdk-flat';
      throw new DiskFormatError(
        filePath,
        0,
        `descriptor createType "${descriptor.createType}" is not supported (flat, monolithicSparse and streamOptimized are)`,
      );
    }
    return 'raw';
  } finally {
    await handle.close();
  }
}

/** Opens a local disk image of any supported format. streamOptimized files open read-only. */
export async function openDiskImage(filePath: string, options: OpenDiskImageOptions = {}): Promise<DiskImage> {
  const format = options.format ?? (await detectDiskImageFormat(filePath));
  switch (format) {
    case 'raw':
      return RawImage.open(filePath, options);
    case 'vmdk-flat':
    case 'vmdk-vmfs':
      return VmdkFlatImage.open(filePath, options);
    case 'vmdk-sparse':
      return VmdkSparseImage.open(filePath, options);
    case 'vmdk-stream-optimized':
      return StreamOptimizedReader.open(filePath);
  }
}

/**
 * Creates an empty image. For 'vmdk-stream-optimized' the result is a sequential
 * writer (see StreamOptimizedWriter) that must be closed to be valid.
 */
export async function createDiskImage(
  filePath: string,
  format: DiskImageFormat,
  capacity: number,
  options: CreateDiskImageOptions = {},
): Promise<DiskImage> {
  switch (format) {
    case 'raw':
      return RawImage.create(filePath, capacity, options);
    case 'vmdk-flat':
    case 'vmdk-vmfs':
      return VmdkFlatImage.create(filePath, capacity, {
        ...options,
        createType: format === 'vmdk-vmfs' ? 'vmfs' : 'monolithicFlat',
      });
    case 'vmdk-sparse':
      return VmdkSparseImage.create(filePath, capacity, options);
    case 'vmdk-stream-optimized':
      return StreamOptimizedWriter.create(filePath, capacity, options);
  }
}
