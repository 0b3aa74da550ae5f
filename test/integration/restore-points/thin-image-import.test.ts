import { promises as fsp } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { pseudoRandomBytes } from '../../../electron/restore-points/demo-disk-layout';
import { importImageFile } from '../../../electron/restore-points/image-import';
import { NativeAllocationProbe } from '../../../electron/vddk/native-allocation-probe';
import { ensureNativeBuilt } from '../vddk/lab-vddk-fixture';

const MiB = 1024 * 1024;
const CAPACITY = 512 * MiB;
const TEST_KDF = { name: 'scrypt' as const, N: 1024, r: 8, p: 1 };

/**
 * 512 MiB thin raw file: 3 MiB of noise at 7 MiB + 4 KiB, 2 MiB written as zeros
 * at 100 MiB (allocated, but zero), 64 KiB of 0x5a at 300 MiB, 1 MiB of noise with
 * a zero 64 KiB block inside at the very end; everything else a hole.
 */
async function makeThinImage(path: string): Promise<number> {
  const h = await fsp.open(path, 'w');
  let allocated = 0;
  const put = async (data: Buffer, at: number) => {
    await h.write(data, 0, data.length, at);
    allocated += data.length;
  };
  try {
    await h.truncate(CAPACITY);
    await put(pseudoRandomBytes(3 * MiB, 1), 7 * MiB + 4096);
    await put(Buffer.alloc(2 * MiB), 100 * MiB);
    await put(Buffer.alloc(64 * 1024, 0x5a), 300 * MiB);
    const tail = pseudoRandomBytes(MiB, 2);
    tail.fill(0, 128 * 1024, 192 * 1024);
    await put(tail, CAPACITY - MiB);
  } finally {
    await h.close();
  }
  return allocated;
}

/** Counts the bytes read from `file` through any handle opened on it. */
function countReadsOf(file: string): { bytes: () => number } {
  let bytes = 0;
  const realOpen = fsp.open.bind(fsp);
  vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
    const handle = await realOpen(...args);
    if (String(args[0]) === file) {
      const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
      (handle as { read: unknown }).read = async (...a: unknown[]) => {
        const r = await read(...a);
        bytes += r.bytesRead;
        return r;
      };
    }
    return handle;
  });
  return { bytes: () => bytes };
}

describe('import of a thin raw image', () => {
  let dir: string;
  beforeEach(async () => {
    ensureNativeBuilt();
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-thin-import-'));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads only the allocated extents, once (SEEK_DATA/SEEK_HOLE), never the holes', async () => {
    const file = join(dir, 'thin.raw');
    const allocated = await makeThinImage(file);
    const repo = await Repository.init(new LocalFolderBackend(join(dir, 'repo')), 'pw', { kdf: TEST_KDF });
    const reads = countReadsOf(file);
    await importImageFile(repo, file, { probe: new NativeAllocationProbe() });
    // Filesystems allocate in whole blocks: allow a block either side of each of the 4 runs.
    expect(reads.bytes()).toBeGreaterThanOrEqual(allocated);
    expect(reads.bytes()).toBeLessThanOrEqual(allocated + 8 * 64 * 1024);
  });

  it('records the same block map as the zero-scanning import and reads back identical', async () => {
    const file = join(dir, 'thin.raw');
    await makeThinImage(file);
    const repo = await Repository.init(new LocalFolderBackend(join(dir, 'repo')), 'pw', { kdf: TEST_KDF });
    const seek = await importImageFile(repo, file, { probe: new NativeAllocationProbe() });
    const scanned = await importImageFile(repo, file);
    const seekDisk = seek.manifest.disks[0]!;
    expect(seekDisk.blockMap).toEqual(scanned.manifest.disks[0]!.blockMap);
    // The allocated zeros at 100 MiB and the zero block in the tail are holes, as the zero scan says.
    expect(
      seekDisk.blockMap.some((r) => r.offset <= 100 * MiB && r.offset + r.length >= 102 * MiB && r.kind === 'unallocated'),
    ).toBe(true);
    const disk = (await repo.openPoint(seek.manifest.id)).disk(2000);
    const original = await fsp.open(file, 'r');
    try {
      for (const at of [7 * MiB, 100 * MiB, 300 * MiB, CAPACITY - MiB]) {
        const length = Math.min(4 * MiB, CAPACITY - at);
        const { buffer } = await original.read(Buffer.alloc(length), 0, length, at);
        expect((await disk.read(at, length)).equals(buffer)).toBe(true);
      }
    } finally {
      await original.close();
    }
  });
});
