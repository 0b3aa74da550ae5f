import { createHash, type Hash } from 'node:crypto';
import { stat, unlink } from 'node:fs/promises';
import type { DiskExtent, DiskImage } from '../disks/disk-image';
import { createDiskImage, openDiskImage, type DiskImageFormat } from '../disks/open-disk-image';
import { isAllZero } from '../disks/zero-block';

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

/** Bytes per read/write step. */
const PIECE = 4 * 1024 * 1024;

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
  verification: { ok: boolean; sourceSha256: string; exportSha256: string; bytesCompared: number; seconds: number };
}

/** The export read back differently from the restore point. */
export class ExportVerificationError extends Error {
  constructor(readonly result: ExportResult) {
    super(
      `verification failed: ${result.file} reads back differently from the restore point (SHA-256 ${result.verification.exportSha256.slice(0, 16)}… vs ${result.verification.sourceSha256.slice(0, 16)}…)`,
    );
    this.name = 'ExportVerificationError';
  }
}

function dataRanges(extents: DiskExtent[]): Array<{ offset: number; length: number }> {
  return extents.filter((e) => e.kind === 'data').map((e) => ({ offset: e.offset, length: e.length }));
}

/** Sorted union of two sorted range lists. */
function union(
  a: Array<{ offset: number; length: number }>,
  b: Array<{ offset: number; length: number }>,
): Array<{ offset: number; length: number }> {
  const all = [...a, ...b].sort((x, y) => x.offset - y.offset);
  const out: Array<{ offset: number; length: number }> = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) last.length = Math.max(last.length, r.offset + r.length - last.offset);
    else out.push({ ...r });
  }
  return out;
}

/** Hashes (offset, bytes) of every piece so equal hashes mean equal content at equal places. */
function hashPiece(hash: Hash, offset: number, data: Buffer): void {
  const at = Buffer.alloc(8);
  at.writeBigUInt64LE(BigInt(offset));
  hash.update(at).update(data);
}

/**
 * Writes a restore point disk to a local image: only data extents are
 * written and all-zero pieces are skipped, so raw stays sparse and VMDK
 * stores no zero grains. streamOptimized output is written front to back.
 */
export async function exportDisk(source: DiskImage, file: string, options: ExportOptions): Promise<ExportResult> {
  const started = Date.now();
  const format = IMAGE_FORMAT[options.format];
  const extents = await source.extents();
  const ranges = dataRanges(extents);
  const total = ranges.reduce((s, r) => s + r.length, 0);
  const out = await createDiskImage(file, format, source.capacity, { adapterType: options.adapterType ?? 'lsilogic' });
  let done = 0;
  let dataBytes = 0;
  try {
    for (const range of ranges) {
      const end = range.offset + range.length;
      for (let pos = range.offset; pos < end;) {
        const stop = Math.min(end, (Math.floor(pos / PIECE) + 1) * PIECE);
        const data = await source.read(pos, stop - pos);
        if (!isAllZero(data)) {
          await out.write(pos, data);
          dataBytes += data.length;
        }
        done += stop - pos;
        options.onProgress?.(done, total, 'write');
        pos = stop;
      }
    }
    await out.flush();
    await out.close();
  } catch (err) {
    await out.close().catch(() => undefined);
    for (const f of exportFiles(file, options.format)) await unlink(f).catch(() => undefined);
    throw err;
  }
  const seconds = (Date.now() - started) / 1000;
  const verification = await verifyExport(source, ranges, file, format, options);
  const stats = await Promise.all(exportFiles(file, options.format).map((f) => stat(f)));
  const result: ExportResult = {
    file,
    format: options.format,
    capacity: source.capacity,
    dataBytes,
    fileBytes: stats.reduce((s, st) => s + st.size, 0),
    fileAllocatedBytes: stats.reduce((s, st) => s + st.blocks * 512, 0),
    seconds,
    megabytesPerSecond: seconds > 0 ? dataBytes / 1e6 / seconds : dataBytes / 1e6 / 0.001,
    verification,
  };
  if (!verification.ok) throw new ExportVerificationError(result);
  return result;
}

/**
 * Reads the written file back through our own reader and compares SHA-256
 * over every range where either side has data. For raw and flat output the
 * file's own extents are not scanned (that reads the whole sparse file): a
 * freshly created sparse file holds nothing outside what was written.
 */
async function verifyExport(
  source: DiskImage,
  sourceRanges: Array<{ offset: number; length: number }>,
  file: string,
  format: DiskImageFormat,
  options: ExportOptions,
): Promise<ExportResult['verification']> {
  const started = Date.now();
  const back = await openDiskImage(file, { format, readOnly: true });
  try {
    if (back.capacity !== source.capacity) {
      return { ok: false, sourceSha256: '', exportSha256: '', bytesCompared: 0, seconds: (Date.now() - started) / 1000 };
    }
    const scansWholeFile = format === 'raw' || format === 'vmdk-flat';
    const ranges = scansWholeFile ? sourceRanges : union(sourceRanges, dataRanges(await back.extents()));
    const total = ranges.reduce((s, r) => s + r.length, 0);
    const a = createHash('sha256');
    const b = createHash('sha256');
    let done = 0;
    for (const range of ranges) {
      const end = range.offset + range.length;
      for (let pos = range.offset; pos < end;) {
        const stop = Math.min(end, (Math.floor(pos / PIECE) + 1) * PIECE);
        const [x, y] = await Promise.all([source.read(pos, stop - pos), back.read(pos, stop - pos)]);
        hashPiece(a, pos, x);
        hashPiece(b, pos, y);
        done += stop - pos;
        options.onProgress?.(done, total, 'verify');
        pos = stop;
      }
    }
    const sourceSha256 = a.digest('hex');
    const exportSha256 = b.digest('hex');
    return {
      ok: sourceSha256 === exportSha256,
      sourceSha256,
      exportSha256,
      bytesCompared: done,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await back.close();
  }
}
