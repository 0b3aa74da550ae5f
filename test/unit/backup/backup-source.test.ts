import { describe, expect, it } from 'vitest';
import { allocatedRanges, planDiskRead } from '../../../electron/backup/backup-source';
import { alignToSectors, intersectRanges, splitAtBoundaries, subtractRanges } from '../../../electron/disks/byte-ranges';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('byte ranges', () => {
  it('intersects and subtracts merged lists', () => {
    const a = [
      { offset: 0, length: 100 },
      { offset: 200, length: 100 },
    ];
    const b = [{ offset: 50, length: 200 }];
    expect(intersectRanges(a, b)).toEqual([
      { offset: 50, length: 50 },
      { offset: 200, length: 50 },
    ]);
    expect(subtractRanges(a, b)).toEqual([
      { offset: 0, length: 50 },
      { offset: 250, length: 50 },
    ]);
    expect(intersectRanges(a, [])).toEqual([]);
    expect(subtractRanges(a, [])).toEqual(a);
  });

  it('widens unaligned areas to whole sectors and clips them to the disk', () => {
    // A change that ends mid-sector is read as a whole sector; the disk end caps it.
    expect(alignToSectors([{ offset: 700, length: 10 }], 4096)).toEqual([{ offset: 512, length: 512 }]);
    expect(alignToSectors([{ offset: 3000, length: 5000 }], 4096)).toEqual([{ offset: 2560, length: 1536 }]);
    expect(
      alignToSectors(
        [
          { offset: 0, length: 600 },
          { offset: 1000, length: 100 },
        ],
        4096,
      ),
    ).toEqual([{ offset: 0, length: 1536 }]);
  });

  it('splits at slot boundaries', () => {
    expect(splitAtBoundaries([{ offset: MiB - 512, length: MiB + 1024 }], MiB)).toEqual([
      { offset: MiB - 512, length: 512 },
      { offset: MiB, length: MiB },
      { offset: 2 * MiB, length: 512 },
    ]);
  });
});

describe('what a backup reads per disk', () => {
  const capacity = 8 * MiB;

  it('BACKUP-ALLOCATED-FIRST: a full backup reads allocated blocks and records the rest as holes', () => {
    // QueryAllocatedBlocks runs in sectors: 64 KiB at 1 MiB, 128 KiB at 4 MiB.
    const allocated = allocatedRanges(
      [
        [2048, 128],
        [8192, 256],
      ],
      capacity,
    );
    const plan = planDiskRead({ capacity, mode: { kind: 'allocated' }, allocated });
    expect(plan.read).toEqual([
      { offset: MiB, length: 64 * KiB },
      { offset: 4 * MiB, length: 128 * KiB },
    ]);
    expect(plan.bytesToRead).toBe(192 * KiB);
    expect(plan.unallocated).toEqual([
      { offset: 0, length: MiB },
      { offset: MiB + 64 * KiB, length: 3 * MiB - 64 * KiB },
      { offset: 4 * MiB + 128 * KiB, length: 4 * MiB - 128 * KiB },
    ]);
    expect(plan.inheritAll).toBe(false);
  });

  it('a disk whose size is not a multiple of the allocation chunk keeps its unaligned tail as data', () => {
    const odd = 1 * MiB + 3 * 512;
    // VDDK rounds the last chunk out past the end of the disk.
    const allocated = allocatedRanges([[2048, 128]], odd);
    const plan = planDiskRead({ capacity: odd, mode: { kind: 'allocated' }, allocated });
    expect(plan.read).toEqual([{ offset: MiB, length: 3 * 512 }]);
  });

  it('an incremental reads changed areas that are allocated and marks changed-but-freed areas as holes', () => {
    const allocated = [{ offset: 0, length: 2 * MiB }];
    const changed = [
      { offset: MiB + 100, length: 10 },
      { offset: 3 * MiB, length: 64 * KiB },
    ];
    const plan = planDiskRead({
      capacity,
      mode: { kind: 'changed', parentPointId: 'p1', sinceChangeId: 'e/3' },
      allocated,
      changed,
    });
    expect(plan.read).toEqual([{ offset: MiB, length: 512 }]);
    expect(plan.unallocated).toEqual([{ offset: 3 * MiB, length: 64 * KiB }]);
    expect(plan.inheritAll).toBe(true);
    expect(plan.bytesToRead).toBe(512);
  });

  it('refuses an incremental without changed areas', () => {
    expect(() =>
      planDiskRead({ capacity, mode: { kind: 'changed', parentPointId: 'p', sinceChangeId: 'x' }, allocated: [] }),
    ).toThrow(/changed areas/);
  });
});
