import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZeroScanProbe } from '../../../electron/disks/allocation-probe';
import { NativeAllocationProbe } from '../../../electron/vddk/native-allocation-probe';
import { ensureNativeBuilt, MiB } from './lab-vddk-fixture';

describe('NativeAllocationProbe (SEEK_DATA/SEEK_HOLE in the addon)', () => {
  let dir: string;
  let file: string;

  beforeAll(() => {
    ensureNativeBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lifeboat-alloc-probe-'));
    file = join(dir, 'sparse.raw');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 16 * MiB);
    writeSync(fd, Buffer.alloc(MiB, 1), 0, MiB, 2 * MiB);
    writeSync(fd, Buffer.alloc(64 * 1024, 2), 0, 64 * 1024, 10 * MiB);
    closeSync(fd);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the written runs, clipped to the window, and nothing past the end of the file', async () => {
    const probe = new NativeAllocationProbe();
    expect(await probe.allocatedRanges(file, 0, 16 * MiB)).toEqual([
      { offset: 2 * MiB, length: MiB },
      { offset: 10 * MiB, length: 64 * 1024 },
    ]);
    expect(await probe.allocatedRanges(file, 2 * MiB + 4096, 8192)).toEqual([{ offset: 2 * MiB + 4096, length: 8192 }]);
    expect(await probe.allocatedRanges(file, 4 * MiB, 4 * MiB)).toEqual([]);
    expect(await probe.allocatedRanges(file, 16 * MiB, 64 * MiB)).toEqual([]);
  });

  it('agrees with the zero-scanning fallback probe on the same file', async () => {
    const native = await new NativeAllocationProbe().allocatedRanges(file, 0, 16 * MiB);
    const scanned = await new ZeroScanProbe().allocatedRanges(file, 0, 16 * MiB);
    expect(native).toEqual(scanned);
  });

  it('rejects with the path when the file is missing, and on negative ranges', async () => {
    const probe = new NativeAllocationProbe();
    await expect(probe.allocatedRanges(join(dir, 'missing.raw'), 0, 512)).rejects.toThrow(/missing\.raw: No such file/);
    await expect(probe.allocatedRanges(file, -1, 512)).rejects.toThrow(/must not be negative/);
  });
});
