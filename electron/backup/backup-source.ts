import { SECTOR_SIZE } from '../disks/disk-image';
import { alignToSectors, intersectRanges, mergeRanges, subtractRanges, totalBytes, type ByteRange } from '../disks/byte-ranges';

/** How one disk is read: everything allocated (full) or changed areas on top of the previous point. */
export type DiskReadMode = { kind: 'allocated' } | { kind: 'changed'; parentPointId: string; sinceChangeId: string };

/** What the job does for one disk, in byte ranges (sector aligned, merged). */
export interface DiskReadPlan {
  mode: DiskReadMode;
  /** Ranges read from the source and written to the point. */
  read: ByteRange[];
  /** Ranges recorded as holes (full: outside the allocation; incremental: changed but no longer allocated). */
  unallocated: ByteRange[];
  /** Incremental only: the whole disk is first taken from the parent point. */
  inheritAll: boolean;
  bytesToRead: number;
}

/** VDDK QueryAllocatedBlocks answers [startSector, sectorCount] pairs. */
export function allocatedRanges(blocks: ReadonlyArray<readonly [number, number]>, capacity: number): ByteRange[] {
  return alignToSectors(
    blocks.map(([start, count]) => ({ offset: start * SECTOR_SIZE, length: count * SECTOR_SIZE })),
    capacity,
  );
}

/** The whole disk minus `ranges` (both merged). */
export function complementRanges(ranges: readonly ByteRange[], capacity: number): ByteRange[] {
  return subtractRanges([{ offset: 0, length: capacity }], ranges);
}

/**
 * BACKUP-ALLOCATED-FIRST: a full backup reads what is allocated and records
 * the rest as holes (thin stays thin); a later one starts from the parent
 * point and reads the changed areas that are still allocated, recording
 * changed-but-freed areas as holes.
 */
export function planDiskRead(input: {
  capacity: number;
  mode: DiskReadMode;
  allocated: readonly ByteRange[];
  /** Changed areas since the parent's change id (QueryChangedDiskAreas); incremental only. */
  changed?: readonly ByteRange[];
}): DiskReadPlan {
  const allocated = alignToSectors(input.allocated, input.capacity);
  if (input.mode.kind === 'allocated') {
    return {
      mode: input.mode,
      read: allocated,
      unallocated: complementRanges(allocated, input.capacity),
      inheritAll: false,
      bytesToRead: totalBytes(allocated),
    };
  }
  if (!input.changed) throw new Error('an incremental read needs the changed areas');
  const changed = alignToSectors(mergeRanges(input.changed), input.capacity);
  const read = intersectRanges(changed, allocated);
  return {
    mode: input.mode,
    read,
    unallocated: subtractRanges(changed, allocated),
    inheritAll: true,
    bytesToRead: totalBytes(read),
  };
}
