import { crc32 } from 'node:zlib';
import type { DiskImage } from '../disks/disk-image';
import { isAllZero } from '../disks/zero-block';
import { mergeRanges, splitAtBoundaries, subtractRanges, totalBytes, type ByteRange } from '../disks/byte-ranges';
import { throwIfAborted } from '../errors/abort-reason';
import { firstDifference, ReadBackCheck } from './read-back-check';
import { ReadAhead } from '../disks/ordered-reads';

export interface CopyProgress {
  bytesDone: number;
  bytesTotal: number;
}

export interface CopyOptions {
  /** Largest request (XPORT-NBDSSL-BUFFER: at most 2 MiB over NBD/NBDSSL). Multiple of 512. */
  ioBytes: number;
  /** Writes in flight at once (the target's queue depth). */
  inFlight: number;
  /**
   * Pieces read from the source ahead of the ones being written (default: 8 MiB
   * worth, at least one), so a target that takes one request at a time (SAN,
   * HotAdd) never waits for the source between two writes. Memory use is at
   * most ioBytes × (inFlight + readAhead).
   */
  readAhead?: number;
  /**
   * True when every area not written reads as zeros afterwards (a new thin or
   * new local image): zero and unallocated areas are then skipped, so thin
   * stays thin. False when overwriting an existing disk: those areas are
   * written with zeros so no old data survives.
   */
  targetReadsZero: boolean;
  /** Targets that accept writes only in increasing offset order (streamOptimized VMDK). */
  orderedWrites?: boolean;
  /** Ranges already copied by an earlier run of the same job (resume). */
  alreadyDone?: readonly ByteRange[];
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
  /** Called after each range is durably written... by the target's next flush; checkpoints record it. */
  onRangeCopied?: (range: ByteRange) => void;
  /** Filled with the CRC-32 of every piece as it was read, so verifyCopy need not decode the source again. */
  digests?: PieceDigests;
  /** Verify while copying (ReadBackCheck): each piece read back after its write and compared with the bytes in memory. */
  readBack?: boolean;
}

/**
 * CRC-32 of each piece copied, by its offset, taken from the bytes in memory
 * when they were written (the source's chunks were authenticated by AES-GCM
 * as they were read). verifyCopy checks the target against these and reads
 * the source only where they differ or where a piece has none (resume).
 */
export type PieceDigests = Map<number, { length: number; crc: number }>;

export interface CopyResult {
  bytesTotal: number;
  /** Bytes read from the source and written (data that was not all zeros). */
  bytesWritten: number;
  /** Data blocks that held only zeros and were skipped or written as zeros. */
  bytesZero: number;
  /** Bytes skipped because an earlier run had copied them. */
  bytesResumed: number;
  /** With `readBack`: bytes read back and compared, and the first that differed (null when none). */
  readBack?: { bytesCompared: number; firstMismatch: number | null };
  durationMs: number;
}

/** The ranges a copy must touch: data extents, plus zero extents when the target may hold old data. */
export async function rangesToCopy(source: DiskImage, targetReadsZero: boolean): Promise<ByteRange[]> {
  const extents = await source.extents();
  return mergeRanges(extents.filter((e) => e.kind === 'data' || !targetReadsZero).map((e) => ({ offset: e.offset, length: e.length })));
}

/** Source bytes read ahead of the writes by default (see CopyOptions.readAhead). */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;

const throwIfCancelled = (signal: AbortSignal | undefined): void => throwIfAborted(signal, 'cancelled');

/**
 * Copies the allocated extents of `source` onto `target` with a bounded number
 * of requests in flight, requests aligned to `ioBytes` (XPORT-ALIGNED-BUFFERS),
 * zeros skipped on a zeroed target (thin stays thin), resumable from the
 * ranges an earlier run finished, cancellable through the signal.
 */
export async function copyDisk(source: DiskImage, target: DiskImage, options: CopyOptions): Promise<CopyResult> {
  if (options.ioBytes <= 0 || options.ioBytes % 512 !== 0) throw new RangeError(`ioBytes must be a positive multiple of 512, not ${options.ioBytes}`);
  if (target.capacity < source.capacity) {
    throw new Error(`the target disk (${target.capacity} bytes) is smaller than the source (${source.capacity} bytes)`);
  }
  const started = Date.now();
  const all = await rangesToCopy(source, options.targetReadsZero);
  const done = mergeRanges(options.alreadyDone ?? []);
  const pending = splitAtBoundaries(subtractRanges(all, done), options.ioBytes);
  const bytesTotal = totalBytes(all);
  const result: CopyResult = { bytesTotal, bytesWritten: 0, bytesZero: 0, bytesResumed: bytesTotal - totalBytes(pending), durationMs: 0 };
  let bytesDone = result.bytesResumed;
  options.onProgress?.({ bytesDone, bytesTotal });

  const zeros = options.targetReadsZero ? null : Buffer.alloc(options.ioBytes);
  // A streamOptimized target holds its grains only once closed: it is verified after writing instead.
  if (options.readBack && options.orderedWrites) throw new RangeError('readBack needs a target that reads back before it is closed, not an ordered-writes one');
  const readBack = options.readBack ? new ReadBackCheck(target, options.ioBytes, options.inFlight) : null;
  let next = 0;
  // Ordered targets: a piece may be written only after every earlier piece.
  let writeTurn = 0;
  // After the first failure no worker may wait for a turn that will never come.
  let failure: unknown = null;
  const turnWaiters = new Map<number, () => void>();
  const waitTurn = (index: number) =>
    index === writeTurn || failure ? Promise.resolve() : new Promise<void>((resolve) => turnWaiters.set(index, resolve));
  const passTurn = () => {
    writeTurn++;
    turnWaiters.get(writeTurn)?.();
    turnWaiters.delete(writeTurn);
  };
  const fail = (err: unknown) => {
    failure ??= err;
    for (const release of turnWaiters.values()) release();
    turnWaiters.clear();
  };

  async function worker(): Promise<void> {
    try {
      await copyPieces();
    } catch (err) {
      fail(err);
      throw err;
    }
  }

  // Source reads started ahead of the writers; each piece is taken once, by the worker that writes it.
  const reads = new ReadAhead(
    pending.map((p) => ({ ...p, read: true })),
    (offset, length) => source.read(offset, length),
    options.readAhead ?? Math.max(1, Math.ceil(READ_AHEAD_BYTES / options.ioBytes)),
  );

  async function copyPieces(): Promise<void> {
    for (;;) {
      if (failure) return;
      throwIfCancelled(options.signal);
      const index = next++;
      const piece = pending[index];
      if (!piece) return;
      const data = (await reads.take(index))!;
      options.digests?.set(piece.offset, { length: piece.length, crc: crc32(data) });
      const zero = isAllZero(data);
      if (options.orderedWrites) await waitTurn(index);
      if (failure) return;
      try {
        throwIfCancelled(options.signal);
        if (!zero) {
          await target.write(piece.offset, data);
          result.bytesWritten += piece.length;
        } else {
          result.bytesZero += piece.length;
          if (zeros) await target.write(piece.offset, zeros.subarray(0, piece.length));
        }
      } finally {
        if (options.orderedWrites) passTurn();
      }
      await readBack?.check(piece.offset, zero ? null : data, piece.length);
      bytesDone += piece.length;
      options.onRangeCopied?.(piece);
      options.onProgress?.({ bytesDone, bytesTotal });
    }
  }

  const workers = Array.from({ length: Math.max(1, options.orderedWrites ? Math.min(options.inFlight, 4) : options.inFlight) }, () => worker());
  const outcomes = await Promise.allSettled(workers);
  if (failure || outcomes.some((o) => o.status === 'rejected')) throw failure;
  await target.flush();
  if (readBack) result.readBack = { bytesCompared: readBack.bytesCompared, firstMismatch: readBack.firstMismatch };
  result.durationMs = Date.now() - started;
  return result;
}

export interface VerifyResult {
  ok: boolean;
  bytesCompared: number;
  /** First differing byte offset, when not ok. */
  firstMismatch: number | null;
  /**
   * Digest of the source's compared bytes, in the form `crc32:<8 hex digits>`
   * (the field keeps its old name for its readers). The bytes are compared one
   * by one, so when ok they are the target's bytes and this is `targetSha256`;
   * empty when not ok (the target's digest names the bad copy).
   */
  sourceSha256: string;
  /**
   * `crc32:<8 hex digits>`: CRC-32 of the target's compared bytes (data ranges
   * only, in offset order). Not SHA-256 any more: the comparison itself is the
   * check, and a SHA-256 pass cost ~16 % of a restore (measured, test/bench),
   * CRC-32 about a third of that. A label for the report, not a security claim.
   */
  targetSha256: string;
}

export interface VerifyOptions {
  signal?: AbortSignal;
  /** Also compare where the target reports data (catches stray data in a new image); skip for formats whose map means a full scan. */
  includeTargetData?: boolean;
  onProgress?: (progress: CopyProgress) => void;
  /** What copyDisk recorded (same ioBytes): pieces found there are checked against the target alone. */
  written?: PieceDigests;
}

/** Pieces read ahead of the comparison, per side: both sides' reads overlap the compare and the hash. */
const VERIFY_READ_AHEAD = 2;

/**
 * Reads back every range the source holds data in (and, when asked, every
 * range the target does) from both sides and compares the bytes (memcmp).
 * Ranges the source knows to be zero are not read when the target is not
 * asked for its data. No cryptographic hash: the source chunks were already
 * authenticated by AES-GCM and the bytes are compared; only a CRC-32 of the
 * target is kept as the disk's digest for the report. With `written` (from
 * copyDisk) a piece is checked by its CRC-32 against the bytes that were
 * written, reading the target only; a CRC mismatch reads the source to name
 * the first differing byte.
 */
export async function verifyCopy(source: DiskImage, target: DiskImage, ioBytes: number, options: VerifyOptions = {}): Promise<VerifyResult> {
  const { signal } = options;
  if (target.capacity !== source.capacity) {
    return { ok: false, bytesCompared: 0, firstMismatch: Math.min(source.capacity, target.capacity), sourceSha256: '', targetSha256: '' };
  }
  const sourceRanges = await rangesToCopy(source, true);
  const merged = options.includeTargetData ? mergeRanges([...sourceRanges, ...(await rangesToCopy(target, true))]) : sourceRanges;
  const ranges = splitAtBoundaries(merged, ioBytes);
  const bytesTotal = totalBytes(ranges);
  let targetCrc = 0;
  let firstMismatch: number | null = null;
  let bytesCompared = 0;
  const readPair = async (r: ByteRange): Promise<[Buffer, Buffer]> => {
    const known = options.written?.get(r.offset);
    if (known && known.length === r.length) {
      const b = await target.read(r.offset, r.length);
      // Same CRC as the bytes written: the piece is as copied. Otherwise read the source to find where it differs.
      if (crc32(b) === known.crc) return [b, b];
      return [await source.read(r.offset, r.length), b];
    }
    return Promise.all([source.read(r.offset, r.length), target.read(r.offset, r.length)]);
  };
  const ahead: Array<Promise<[Buffer, Buffer]>> = [];
  let queued = 0;
  const fill = () => {
    while (ahead.length < VERIFY_READ_AHEAD && queued < ranges.length) {
      const pair = readPair(ranges[queued++]!);
      // Handled when its turn comes; a failure of a read never awaited must not go unhandled.
      pair.catch(() => undefined);
      ahead.push(pair);
    }
  };
  for (const r of ranges) {
    throwIfCancelled(signal);
    fill();
    const [a, b] = await ahead.shift()!;
    fill();
    targetCrc = crc32(b, targetCrc);
    if (firstMismatch === null && a !== b && !a.equals(b)) firstMismatch = r.offset + firstDifference(a, b);
    bytesCompared += r.length;
    options.onProgress?.({ bytesDone: bytesCompared, bytesTotal });
  }
  const targetSha256 = `crc32:${targetCrc.toString(16).padStart(8, '0')}`;
  const ok = firstMismatch === null;
  return { ok, bytesCompared, firstMismatch, sourceSha256: ok ? targetSha256 : '', targetSha256 };
}
