import type { DiskWriter } from '../repository/disk-writer';
import { planDiskRead, allocatedRanges, type DiskReadMode, type DiskReadPlan } from './backup-source';
import { splitAtBoundaries, type ByteRange } from '../disks/byte-ranges';
import { throwIfAborted as throwIfSignalled } from '../errors/abort-reason';
import { readInOrder } from '../disks/ordered-reads';

/** What a disk backup needs from its source: reads and the allocation map (VddkDisk has both). */
export interface BackupSourceDisk {
  readonly capacity: number;
  read(offset: number, length: number): Promise<Buffer>;
  /** [startSector, sectorCount] runs (VDDK QueryAllocatedBlocks). */
  allocatedBlocks(): Promise<Array<[number, number]>>;
}

/**
 * Bytes read ahead of the piece being stored: the source reads the next
 * pieces while this one is hashed, compressed and sealed (a VDDK disk's
 * worker runs them in order on its handle). 4 pieces of the 1 MiB chunk size.
 */
export const BACKUP_READ_AHEAD_BYTES = 4 * 1024 * 1024;

export interface DiskBackupResult {
  plan: DiskReadPlan;
  bytesRead: number;
  /** Read bytes that were all zeros (recorded as zero runs, nothing stored). */
  bytesZero: number;
}

function isZero(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i += 8192) {
    const part = buf.subarray(i, i + 8192);
    if (part.some((b) => b !== 0)) return false;
  }
  return true;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  throwIfSignalled(signal, 'the backup was cancelled');
}

/** Works out what to read for one disk (allocated, or changed ∩ allocated) before any data moves. */
export async function planSourceDisk(
  source: BackupSourceDisk,
  mode: DiskReadMode,
  changed: () => Promise<ByteRange[]>,
): Promise<DiskReadPlan> {
  // BACKUP-ALLOCATED-FIRST
  const allocated = allocatedRanges(await source.allocatedBlocks(), source.capacity);
  if (mode.kind === 'allocated') return planDiskRead({ capacity: source.capacity, mode, allocated });
  return planDiskRead({ capacity: source.capacity, mode, allocated, changed: await changed() });
}

/**
 * Copies one disk's planned ranges into the point's DiskWriter. Sector 0 and
 * the GPT header are captured by the writer from what passes through it (or
 * inherited from the parent), so they need no separate read.
 */
export async function backupDisk(input: {
  source: BackupSourceDisk;
  writer: DiskWriter;
  key: number;
  plan: DiskReadPlan;
  /** Read size; pieces never cross a multiple of it (the repository's chunk size keeps slots whole). */
  pieceBytes: number;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}): Promise<DiskBackupResult> {
  const { source, writer, plan } = input;
  if (plan.mode.kind === 'changed') {
    // Every point is complete: start from the parent, then overwrite what changed.
    await writer.inheritRange(plan.mode.parentPointId, input.key, 0, source.capacity);
  }
  for (const hole of plan.unallocated) await writer.markUnallocated(hole.offset, hole.length);
  let bytesRead = 0;
  let bytesZero = 0;
  const pieces = splitAtBoundaries(plan.read, input.pieceBytes).map((p) => ({ ...p, read: true }));
  const ahead = Math.max(1, Math.floor(BACKUP_READ_AHEAD_BYTES / input.pieceBytes));
  const checkpoint = (): void => throwIfAborted(input.signal);
  for await (const [piece, read] of readInOrder(pieces, (at, n) => source.read(at, n), ahead, checkpoint)) {
    const data = read!;
    bytesRead += data.length;
    if (isZero(data)) {
      bytesZero += data.length;
      await writer.markZero(piece.offset, piece.length);
    } else {
      await writer.writeRange(piece.offset, data);
    }
    input.onBytes?.(data.length);
  }
  return { plan, bytesRead, bytesZero };
}
