import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { DiskFormatError, extentsFromAllocatedRanges, SECTOR_SIZE, type DiskExtent, type DiskImage } from '../disks/disk-image';
import { mergeRanges } from '../disks/byte-ranges';
import { readInOrder, type OrderedStep } from '../disks/ordered-reads';
import { detectDiskImageFormat, openDiskImage, type DiskImageFormat } from '../disks/open-disk-image';
import { descriptorAdapterType, type VmdkDescriptor } from '../disks/vmdk-descriptor';
import { isAllZero, ZERO_BLOCK_SIZE } from '../disks/zero-block';
import type { AllocationProbe } from '../disks/allocation-probe';
import type { DiskWriter } from '../repository/disk-writer';
import type { Repository } from '../repository/repository';
import type { DiskMeta, PointMeta, RestorePointManifest } from '../repository/restore-point-manifest';
import { ArchiveFormatError, listTarMembers, readTarEntry } from './ova-archive';
import { archiveFile, extractOvaDisk, INSIDE_THE_OVA } from './ova-disk-files';
import { throwIfAborted } from '../errors/abort-reason';
import { OvfFormatError, parseOvfDescriptor, type OvfDescriptor } from './ovf-descriptor';

/** Bytes read and stored per step; a multiple of the repository's 1 MiB slots. */
const PIECE = 4 * 1024 * 1024;

/** Formats whose data map is "where the bytes are not zero" (the file's holes and zero blocks are both holes). */
const MAP_BY_ZEROS: ReadonlySet<DiskImageFormat> = new Set(['raw', 'vmdk-flat', 'vmdk-vmfs']);

/** Manifest fields an import cannot know (no server was asked): listed in the point so nobody mistakes them for saved. */
export const UNKNOWN_ON_IMPORT = [
  'vm.instanceUuid',
  'vm.moref',
  'keyId',
  'encryptionBundle',
  'vtpm',
  'storagePolicy',
  'nvram',
  'disks[].changeId',
  'disks[].datastore',
] as const;

export interface ImportOptions {
  /** VM name for the point (default: the OVF's name, else the file name). */
  name?: string;
  /** Device key of the disk (single images; default 2000). */
  diskKey?: number;
  /**
   * Where a raw or flat image's holes are found: give the addon's SEEK_DATA/SEEK_HOLE
   * probe so only allocated extents are read (a 64 GiB thin file with 4 GiB of data
   * reads 4 GiB). Without one, the whole file is scanned for zeros first.
   */
  probe?: AllocationProbe;
  /** Called as data is stored: bytes done of bytes to read, and which file. */
  onProgress?: (done: number, total: number, file: string) => void;
  /** Stops the import between pieces; nothing is committed (the packs already written go at the next prune). */
  signal?: AbortSignal;
}

export interface ImportResult {
  manifest: RestorePointManifest;
  source: ImportSource;
  bytesAdded: number;
  /** Manifest fields this import could not know (also saved in configInfo.lifeboatImport). */
  unknownFields: string[];
}

export interface ImportSource {
  kind: 'imported-file';
  file: string;
  container: 'ova' | 'image';
  disks: Array<{ key: number; file: string; format: DiskImageFormat }>;
}

/** The import file cannot be used; message says what and where. */
export class ImportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportInputError';
  }
}

interface PlannedDisk {
  meta: DiskMeta;
  path: string;
  format: DiskImageFormat;
  image: DiskImage;
}

function adapterOf(image: DiskImage): string | undefined {
  const descriptor = (image as { descriptor?: VmdkDescriptor }).descriptor;
  return descriptor ? descriptorAdapterType(descriptor) : undefined;
}

/** VMDK adapterType → VMware controller type name. */
function controllerFromAdapter(adapter: string | undefined): string {
  switch (adapter) {
    case 'lsilogic':
      return 'VirtualLsiLogicController';
    case 'buslogic':
      return 'VirtualBusLogicController';
    case 'pvscsi':
      return 'ParaVirtualSCSIController';
    case 'ide':
      return 'VirtualIDEController';
    case 'legacyESX':
      return 'VirtualLsiLogicController';
    default:
      return 'unknown';
  }
}

function importDiskMeta(
  key: number,
  label: string,
  capacity: number,
  fileName: string,
  controller: DiskMeta['controller'],
): DiskMeta {
  return {
    key,
    label,
    controller,
    capacity,
    provisioning: 'thin',
    diskMode: 'persistent',
    datastore: { name: '(imported file)', type: 'local-file' },
    // Every supported image format says which parts hold data (raw: by scanning for zeros).
    allocationMapSaved: true,
    changeId: null,
    fileName,
  };
}

/**
 * Pieces read ahead of the one being stored: the next reads are on the disk
 * while the current piece is hashed, compressed and sealed (bounded memory:
 * IMPORT_READ_AHEAD + 1 pieces of 4 MiB).
 */
export const IMPORT_READ_AHEAD = 2;

type CopyStep = OrderedStep & { kind: 'hole' | 'data' };

/** The extents as steps in disk order: holes, and data cut into PIECE-aligned reads. */
function copySteps(extents: DiskExtent[]): CopyStep[] {
  const steps: CopyStep[] = [];
  for (const extent of extents) {
    if (extent.kind === 'zero') {
      steps.push({ kind: 'hole', offset: extent.offset, length: extent.length, read: false });
      continue;
    }
    const end = extent.offset + extent.length;
    for (let pos = extent.offset; pos < end;) {
      // Pieces stay aligned to PIECE so whole repository slots are stored at once.
      const stop = Math.min(end, (Math.floor(pos / PIECE) + 1) * PIECE);
      steps.push({ kind: 'data', offset: pos, length: stop - pos, read: true });
      pos = stop;
    }
  }
  return steps;
}

const IMPORT_CANCELLED = 'the import was cancelled';

/**
 * Copies a local image into a point's disk: data extents stored, zero pieces
 * marked zero, holes unallocated. With `zeroBlocksAreHoles` (raw and flat
 * images, whose map is "where the bytes are not zero"), all-zero 64 KiB blocks
 * inside data extents are recorded as holes too, found by memcmp while the
 * piece is in memory: the file is read once, and zero runs are never hashed.
 * Reads run IMPORT_READ_AHEAD pieces ahead of the store; pieces are stored in
 * disk order, so the point is the same as a one-piece-at-a-time copy's.
 */
export async function copyImageToPoint(
  image: DiskImage,
  writer: DiskWriter,
  progress: (bytes: number) => void = () => undefined,
  extents?: DiskExtent[],
  zeroBlocksAreHoles = false,
  signal?: AbortSignal,
): Promise<void> {
  const steps = copySteps(extents ?? (await image.extents()));
  // A few piece buffers reused in turn where the image can read into them: nothing keeps a piece once it is
  // stored (chunks are copied or sealed by then), and 4 MiB of garbage per piece kept the GC ~60 MiB behind.
  const ring = image.readInto ? Array.from({ length: IMPORT_READ_AHEAD + 2 }, () => Buffer.allocUnsafeSlow(PIECE)) : [];
  let turn = 0;
  const read = async (at: number, n: number): Promise<Buffer> => {
    if (!image.readInto) return image.read(at, n);
    const buf = ring[turn++ % ring.length]!.subarray(0, n);
    await image.readInto(buf, at);
    return buf;
  };
  const checkpoint = (): void => throwIfAborted(signal, IMPORT_CANCELLED);
  for await (const [step, data] of readInOrder(steps, read, IMPORT_READ_AHEAD, checkpoint)) {
    if (!data) await writer.markUnallocated(step.offset, step.length);
    else if (zeroBlocksAreHoles) await storeWithoutZeroBlocks(writer, step.offset, data);
    else if (isAllZero(data)) await writer.markZero(step.offset, step.length);
    else await writer.writeRange(step.offset, data);
    if (data) progress(step.length);
  }
}

/** Stores the non-zero runs of `data` (at disk offset `at`) and records its zero 64 KiB blocks (file-aligned) as holes. */
async function storeWithoutZeroBlocks(writer: DiskWriter, at: number, data: Buffer): Promise<void> {
  let runStart = 0;
  let runZero: boolean | null = null;
  const flush = async (until: number): Promise<void> => {
    if (runZero === null || until <= runStart) return;
    if (runZero) await writer.markUnallocated(at + runStart, until - runStart);
    else await writer.writeRange(at + runStart, data.subarray(runStart, until));
  };
  for (let b = 0; b < data.length;) {
    const next = Math.min(data.length, (Math.floor((at + b) / ZERO_BLOCK_SIZE) + 1) * ZERO_BLOCK_SIZE - at);
    const zero = isAllZero(data.subarray(b, next));
    if (zero !== runZero) {
      await flush(b);
      runStart = b;
      runZero = zero;
    }
    b = next;
  }
  await flush(data.length);
}

/**
 * Widens data extents to whole 64 KiB blocks (file-aligned), as the zero scan
 * reports them, so a SEEK_DATA import records the same map (and the same
 * chunks) as a zero-scanning one; the few hole bytes this reads are zeros.
 */
function dataAtZeroBlocks(extents: DiskExtent[], capacity: number): DiskExtent[] {
  const widened = extents
    .filter((e) => e.kind === 'data')
    .map((e) => {
      const start = e.offset - (e.offset % ZERO_BLOCK_SIZE);
      return {
        offset: start,
        length: Math.min(capacity, Math.ceil((e.offset + e.length) / ZERO_BLOCK_SIZE) * ZERO_BLOCK_SIZE) - start,
      };
    });
  return extentsFromAllocatedRanges(0, capacity, mergeRanges(widened));
}

function dataBytes(extents: DiskExtent[]): number {
  return extents.reduce((s, e) => s + (e.kind === 'data' ? e.length : 0), 0);
}

async function openImage(
  path: string,
  shownAs: string,
  extentHome?: string,
  probe?: AllocationProbe,
): Promise<{ image: DiskImage; format: DiskImageFormat }> {
  const format = await detectDiskImageFormat(path);
  const image = await openDiskImage(path, { format, readOnly: true, extentHome, probe });
  if (image.capacity % SECTOR_SIZE !== 0) throw new ImportInputError(`${shownAs}: capacity is not a whole number of sectors`);
  return { image, format };
}

/** The fixed list, plus firmware and guest OS when the source did not say (a bare image never does). */
function unknownFields(firmware: PointMeta['firmware'], configInfo: Record<string, unknown>): string[] {
  const out: string[] = [...UNKNOWN_ON_IMPORT];
  if (firmware === null) out.push('firmware');
  if (configInfo.guestId === null || configInfo.guestId === undefined) out.push('configInfo.guestId');
  return out;
}

function importMeta(
  name: string,
  source: ImportSource,
  configInfo: Record<string, unknown>,
  firmware: PointMeta['firmware'],
): PointMeta {
  return {
    vm: { name, instanceUuid: '', moref: '', sourceServer: `imported-file:${basename(source.file)}` },
    configInfo: {
      ...configInfo,
      // Where the point came from and what it cannot know (no vCenter was asked).
      lifeboatImport: { source, unknownFields: unknownFields(firmware, configInfo), importedAt: new Date().toISOString() },
    },
    firmware,
    vtpm: null,
    keyId: null,
    encryptionBundle: null,
    storagePolicy: null,
    skippedIndependentDisks: [],
    kind: 'full',
    parentPointId: null,
  };
}

function ovfConfigInfo(ovf: OvfDescriptor): Record<string, unknown> {
  return {
    name: ovf.name,
    guestId: ovf.guestOs.osType,
    guestFullName: ovf.guestOs.description,
    ovfOperatingSystemId: ovf.guestOs.id,
    firmware: ovf.firmware,
    hardware: {
      numCPU: ovf.numCpus,
      memoryMB: ovf.memoryMB,
      controllers: ovf.controllers.map((c) => ({ type: c.type, busNumber: c.busNumber })),
      disks: ovf.disks.map((d) => ({ label: d.label, capacityInBytes: d.capacity, controller: d.controller, file: d.file })),
    },
  };
}

async function writePoint(
  repo: Repository,
  meta: PointMeta,
  disks: PlannedDisk[],
  options: ImportOptions,
): Promise<{ manifest: RestorePointManifest; bytesAdded: number }> {
  // Extents once per disk: for raw images from SEEK_DATA (options.probe), else from scanning the whole file.
  const extents: DiskExtent[][] = [];
  for (const d of disks) {
    const found = await d.image.extents();
    extents.push(MAP_BY_ZEROS.has(d.format) ? dataAtZeroBlocks(found, d.image.capacity) : found);
  }
  const total = extents.reduce((sum, e) => sum + dataBytes(e), 0);
  const writer = repo.beginPoint(meta);
  let done = 0;
  try {
    for (const [i, disk] of disks.entries()) {
      const dw = writer.addDisk(disk.meta);
      const progress = (n: number): void => {
        done += n;
        options.onProgress?.(done, total, disk.meta.fileName ?? basename(disk.path));
      };
      await copyImageToPoint(disk.image, dw, progress, extents[i], MAP_BY_ZEROS.has(disk.format), options.signal);
    }
    throwIfAborted(options.signal, IMPORT_CANCELLED);
    const { manifest, bytesAdded } = await writer.commit();
    return { manifest, bytesAdded };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/** Imports a raw or VMDK image file as a one-disk restore point. */
export async function importImageFile(repo: Repository, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const { image, format } = await openImage(file, file, undefined, options.probe);
  try {
    const key = options.diskKey ?? 2000;
    const controller = { type: controllerFromAdapter(adapterOf(image)), busNumber: 0, unitNumber: 0 };
    const source: ImportSource = {
      kind: 'imported-file',
      file,
      container: 'image',
      disks: [{ key, file: basename(file), format }],
    };
    const name = options.name ?? basename(file, extname(file));
    const meta = importMeta(name, source, { name, guestId: null, firmware: null }, null);
    const planned: PlannedDisk = {
      meta: importDiskMeta(key, 'Hard disk 1', image.capacity, basename(file), controller),
      path: file,
      format,
      image,
    };
    const { manifest, bytesAdded } = await writePoint(repo, meta, [planned], options);
    return { manifest, source, bytesAdded, unknownFields: unknownFields(meta.firmware, meta.configInfo) };
  } finally {
    await image.close();
  }
}

/** Imports every disk of an OVA's VirtualSystem, with the VM configuration its OVF describes. */
export async function importOva(repo: Repository, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const members = await listTarMembers(file);
  const entries = members.filter((m) => m.kind === 'file');
  const ovfEntry = entries.find((e) => e.name.toLowerCase().endsWith('.ovf'));
  if (!ovfEntry)
    throw new ArchiveFormatError(
      file,
      0,
      `the archive holds no .ovf descriptor (it has: ${entries.map((e) => e.name).join(', ') || 'nothing'})`,
    );
  const ovf = parseOvfDescriptor((await readTarEntry(file, ovfEntry)).toString('utf8'), `${file}:${ovfEntry.name}`);
  const withContent = ovf.disks.filter((d) => d.file !== null);
  if (withContent.length === 0)
    throw new OvfFormatError(`${file}:${ovfEntry.name}`, 'the VirtualSystem has no disk with a file to import');
  const work = await mkdtemp(join(tmpdir(), 'lifeboat-ova-'));
  const planned: PlannedDisk[] = [];
  // Errors from the disk readers name the extracted copy; users know the entry inside the OVA.
  const shownAs = new Map<string, string>();
  try {
    for (const [i, disk] of withContent.entries()) {
      const entry = archiveFile(file, members, disk.file ?? '', `the OVF (for ${disk.label})`);
      const path = join(work, `disk-${i}`, '.disk');
      shownAs.set(path, `${file}:${entry.name}`);
      await extractOvaDisk(file, members, entry, join(work, `disk-${i}`));
      const { image, format } = await openImage(path, `${file}:${entry.name}`, INSIDE_THE_OVA, options.probe);
      planned.push({
        meta: importDiskMeta(2000 + i, disk.label, image.capacity, entry.name, disk.controller),
        path,
        format,
        image,
      });
      if (image.capacity < disk.capacity)
        throw new ImportInputError(
          `${file}:${entry.name}: the image holds ${image.capacity} bytes but the OVF says ${disk.label} has ${disk.capacity}`,
        );
    }
    const source: ImportSource = {
      kind: 'imported-file',
      file,
      container: 'ova',
      disks: planned.map((p) => ({ key: p.meta.key, file: p.meta.fileName ?? '', format: p.format })),
    };
    const meta = importMeta(options.name ?? ovf.name, source, ovfConfigInfo(ovf), ovf.firmware);
    const { manifest, bytesAdded } = await writePoint(repo, meta, planned, options);
    return { manifest, source, bytesAdded, unknownFields: unknownFields(meta.firmware, meta.configInfo) };
  } catch (err) {
    const shown = err instanceof DiskFormatError ? shownAs.get(err.file) : undefined;
    if (err instanceof DiskFormatError && shown) throw new DiskFormatError(shown, err.offset, err.problem);
    throw err;
  } finally {
    await Promise.all(planned.map((p) => p.image.close().catch(() => undefined)));
    await rm(work, { recursive: true, force: true });
  }
}

/** OVA by extension, else an image file (format detected from its content). */
export function importFile(repo: Repository, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  return extname(file).toLowerCase() === '.ova' ? importOva(repo, file, options) : importImageFile(repo, file, options);
}
