import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DiskImage } from '../disks/disk-image';
import { createDiskImage, openDiskImage, type DiskImageFormat } from '../disks/open-disk-image';
import { totalBytes } from '../disks/byte-ranges';
import { LifeboatError } from '../errors/lifeboat-error';
import { formatBytes } from '../units/byte-units';
import { copyDisk, rangesToCopy, verifyCopy, type CopyResult, type PieceDigests, type VerifyResult } from '../restore/disk-copier';
import { assertOutsideRepositories } from './export-target';
import { PROGRESS_HEARTBEAT_MS, ProgressHeartbeat } from './progress-heartbeat';

/** What `lifeboat export --format` accepts. */
export const EXPORT_FORMATS = ['raw', 'vmdk', 'vmdk-flat'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const IMAGE_FORMAT: Record<ExportFormat, DiskImageFormat> = {
  raw: 'raw',
  vmdk: 'vmdk-stream-optimized',
  'vmdk-flat': 'vmdk-flat',
};

/** The files an export of `file` in `format` makes (a flat VMDK is a descriptor plus its extent). */
export function exportFiles(file: string, format: ExportFormat): string[] {
  if (format !== 'vmdk-flat') return [file];
  return [file, `${file.replace(/\.vmdk$/i, '')}-flat.vmdk`];
}

/** Bytes per read/write step, and in flight at once (as pieces of the source's natural size where it has one). */
const PIECE = 4 * 1024 * 1024;
const BYTES_IN_FLIGHT = 2 * PIECE;

/**
 * How an export reads its source: a restore point is read a chunk at a time
 * (each piece is then a view of a decoded chunk, never assembled or copied),
 * with as many pieces in flight as fill BYTES_IN_FLIGHT; other sources in 4 MiB pieces.
 */
export function exportIo(source: Pick<DiskImage, 'naturalIoBytes'>): { ioBytes: number; inFlight: number } {
  const natural = source.naturalIoBytes;
  const ioBytes = natural && natural % 512 === 0 && natural <= PIECE ? natural : PIECE;
  return { ioBytes, inFlight: Math.max(2, Math.floor(BYTES_IN_FLIGHT / ioBytes)) };
}

export interface ExportOptions {
  format: ExportFormat;
  /** VMDK ddb.adapterType (default lsilogic). */
  adapterType?: string;
  onProgress?: (done: number, total: number, phase: 'write' | 'verify') => void;
}

export interface ExportResult {
  file: string;
  format: ExportFormat;
  capacity: number;
  /** Non-zero data bytes written. */
  dataBytes: number;
  /** Size of the output file and the space it takes on disk (holes excluded). */
  fileBytes: number;
  fileAllocatedBytes: number;
  seconds: number;
  megabytesPerSecond: number;
  verification: {
    ok: boolean;
    /**
     * `while-writing` (raw, flat VMDK): each piece read back from the file right after its write and
     * compared byte for byte with the bytes still in memory; `after-writing` (streamOptimized VMDK,
     * whose grains exist only once the file is closed): the closed file read back through our own
     * reader and checked against the CRC-32 of every piece written.
     */
    method: 'while-writing' | 'after-writing';
    /** Equal to exportSha256 when ok (the bytes were compared one by one); empty when not, or when no digest was taken. */
    sourceSha256: string;
    /**
     * `crc32:<hex>` of the data read back (see VerifyResult.targetSha256), after-writing only: while
     * writing the bytes are compared directly and a digest would cost a fifth of the export (measured).
     */
    exportSha256: string;
    bytesCompared: number;
    /** First byte of the disk that reads back differently, when not ok. */
    firstMismatch: number | null;
    seconds: number;
  };
}

/** The disk the export goes to filled up: nothing was put in place (an older file of that name is kept). */
export class ExportSpaceError extends LifeboatError {
  constructor(
    readonly file: string,
    readonly dataBytes: number,
    cause: unknown,
  ) {
    super(
      `no space left on the disk of ${dirname(file)} for the export to ${basename(file)} (the disk holds ${formatBytes(dataBytes)} of data); nothing was put in place`,
      { code: 'export-no-space', hint: 'Free space there, or export to a disk with more room (another --out); a file the export would have replaced is still there.', cause },
    );
    this.name = 'ExportSpaceError';
  }
}

/** ENOSPC, or a quota that is full. */
function isNoSpace(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** The export read back differently from the restore point. */
export class ExportVerificationError extends Error {
  constructor(readonly result: ExportResult) {
    super(
      `verification failed: ${result.file} reads back differently from the restore point from byte ${result.verification.firstMismatch} on; export it again (or check the disk it is on)`,
    );
    this.name = 'ExportVerificationError';
  }
}

/**
 * The export is written into a private folder beside `file` and moved into
 * place only once it verified, so `--force` never loses the old file to a
 * failed export; the files are created 0600 like everything in the Lifeboat folder.
 */
export async function exportDisk(source: DiskImage, file: string, options: ExportOptions): Promise<ExportResult> {
  const progress = options.onProgress ? new ProgressHeartbeat(options.onProgress, PROGRESS_HEARTBEAT_MS) : null;
  try {
    return await exportDiskStaged(source, file, { ...options, onProgress: progress?.report });
  } finally {
    progress?.stop();
  }
}

async function exportDiskStaged(source: DiskImage, file: string, options: ExportOptions): Promise<ExportResult> {
  await assertOutsideRepositories(file);
  const staging = await mkdtemp(join(dirname(file), '.lifeboat-export-')).catch(async (err: unknown) => {
    if (isNoSpace(err)) throw new ExportSpaceError(file, totalBytes(await rangesToCopy(source, true)), err);
    throw err;
  });
  const staged = join(staging, basename(file));
  let result: ExportResult;
  try {
    result = await exportDiskTo(source, staged, options);
  } catch (err) {
    // An unverified export stays in its staging folder for inspection; anything else is removed.
    if (!(err instanceof ExportVerificationError)) await rm(staging, { recursive: true, force: true });
    if (isNoSpace(err)) throw new ExportSpaceError(file, totalBytes(await rangesToCopy(source, true)), err);
    throw err;
  }
  // The extent first, the descriptor last: a descriptor in place always has its extent.
  for (const f of exportFiles(file, options.format).reverse()) await rename(join(staging, basename(f)), f);
  await rm(staging, { recursive: true, force: true });
  return { ...result, file };
}

/**
 * Writes a restore point disk to a local image with the restore's disk
 * copier: only data extents are written and all-zero pieces are skipped, so
 * raw stays sparse and VMDK stores no zero grains; streamOptimized output is
 * written front to back. Then reads it back through our own reader and
 * compares the bytes (also over anything the new file holds as data, except for
 * raw and flat files whose map would mean reading the whole sparse file).
 */
async function exportDiskTo(source: DiskImage, file: string, options: ExportOptions): Promise<ExportResult> {
  const started = Date.now();
  const format = IMAGE_FORMAT[options.format];
  const out = await createDiskImage(file, format, source.capacity, { adapterType: options.adapterType ?? 'lsilogic' });
  // streamOptimized grains are in the file only once it is closed: verified after writing, against the
  // CRC-32 of each piece as written. Raw and flat files read back each piece as soon as it is written.
  const whileWriting = format !== 'vmdk-stream-optimized';
  const written: PieceDigests | undefined = whileWriting ? undefined : new Map();
  const io = exportIo(source);
  let copy;
  try {
    copy = await copyDisk(source, out, {
      ...io,
      targetReadsZero: true,
      orderedWrites: !whileWriting,
      readBack: whileWriting,
      digests: written,
      onProgress: (p) => options.onProgress?.(p.bytesDone, p.bytesTotal, 'write'),
    });
    await out.close();
  } catch (err) {
    await out.close().catch(() => undefined);
    throw err;
  }
  const seconds = (Date.now() - started) / 1000;
  const verifyStarted = Date.now();
  const verdict = whileWriting ? await reopenWritten(file, format, source.capacity, copy) : await verifyClosed(source, file, format, io.ioBytes, written!, options);
  const stats = await Promise.all(exportFiles(file, options.format).map((f) => stat(f)));
  const result: ExportResult = {
    file,
    format: options.format,
    capacity: source.capacity,
    dataBytes: copy.bytesWritten,
    fileBytes: stats.reduce((s, st) => s + st.size, 0),
    fileAllocatedBytes: stats.reduce((s, st) => s + st.blocks * 512, 0),
    seconds,
    megabytesPerSecond: copy.bytesWritten / 1e6 / Math.max(seconds, 0.001),
    verification: {
      method: whileWriting ? 'while-writing' : 'after-writing',
      ok: verdict.ok,
      sourceSha256: verdict.sourceSha256,
      exportSha256: verdict.targetSha256,
      bytesCompared: verdict.bytesCompared,
      firstMismatch: verdict.firstMismatch,
      seconds: (Date.now() - verifyStarted) / 1000,
    },
  };
  if (!verdict.ok) throw new ExportVerificationError(result);
  return result;
}

type Verdict = Pick<VerifyResult, 'ok' | 'bytesCompared' | 'firstMismatch' | 'sourceSha256' | 'targetSha256'>;

/** After a verify-while-writing copy: the file opens through our own reader (its descriptor, for flat VMDK) at the right size. */
async function reopenWritten(file: string, format: DiskImageFormat, capacity: number, copy: CopyResult): Promise<Verdict> {
  const back = await openDiskImage(file, { format, readOnly: true });
  const size = back.capacity;
  await back.close();
  const checked = copy.readBack ?? { bytesCompared: 0, firstMismatch: null };
  const firstMismatch = size !== capacity ? Math.min(size, capacity) : checked.firstMismatch;
  return { ok: firstMismatch === null, bytesCompared: checked.bytesCompared, firstMismatch, sourceSha256: '', targetSha256: '' };
}

/** streamOptimized: the closed file read back through our own reader, each piece checked against the CRC-32 recorded while writing. */
async function verifyClosed(
  source: DiskImage,
  file: string,
  format: DiskImageFormat,
  ioBytes: number,
  written: PieceDigests,
  options: ExportOptions,
): Promise<Verdict> {
  const back = await openDiskImage(file, { format, readOnly: true });
  try {
    return await verifyCopy(source, back, ioBytes, {
      includeTargetData: true,
      written,
      onProgress: (p) => options.onProgress?.(p.bytesDone, p.bytesTotal, 'verify'),
    });
  } finally {
    await back.close();
  }
}
