import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamOptimizedWriter } from '../../../electron/disks/stream-optimized-writer';
import { VmdkFlatImage } from '../../../electron/disks/vmdk-flat-image';
import { VmdkSparseImage } from '../../../electron/disks/vmdk-sparse-image';
import { KiB, MiB, patternBytes, tempDir } from './disk-fixtures';
import { fuzzImage } from './vmdk-fuzzer';

// Seeded and reproducible: a failure names the iteration and its mutation.
const SEED = 0x5eed;
const ITERATIONS = 1500;

let dir: string;
beforeAll(async () => {
  dir = await tempDir('fuzz');
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function sample(image: { write(o: number, d: Buffer): Promise<void>; close(): Promise<void> }): Promise<void> {
  await image.write(0, patternBytes(24 * KiB, 1));
  await image.write(256 * KiB, patternBytes(8 * KiB, 2));
  await image.write(MiB - 8 * KiB, patternBytes(8 * KiB, 3));
  await image.close();
}

describe('VMDK readers under damaged input', () => {
  it('monolithicSparse: only DiskFormatError, never a crash or a hang', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'valid-sparse.vmdk');
    await sample(await VmdkSparseImage.create(file, MiB, { grainSize: 16 }));
    const report = await fuzzImage(await fsp.readFile(file), dir, 'fuzzed-sparse.vmdk', ITERATIONS, SEED);
    expect(report.failures).toEqual([]);
    expect(report.formatErrors).toBeGreaterThan(ITERATIONS / 10);
  });

  it('streamOptimized: only DiskFormatError, never a crash or a hang', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'valid-stream.vmdk');
    await sample(await StreamOptimizedWriter.create(file, MiB, { grainSize: 16 }));
    const report = await fuzzImage(await fsp.readFile(file), dir, 'fuzzed-stream.vmdk', ITERATIONS, SEED + 1);
    expect(report.failures).toEqual([]);
    expect(report.formatErrors).toBeGreaterThan(ITERATIONS / 10);
  });

  it('monolithicFlat descriptor: only DiskFormatError, never a crash or a hang', async () => {
    const file = path.join(dir, 'fuzzed-flat.vmdk');
    await sample(await VmdkFlatImage.create(file, MiB));
    const report = await fuzzImage(await fsp.readFile(file), dir, 'fuzzed-flat.vmdk', 500, SEED + 2);
    expect(report.failures).toEqual([]);
    expect(report.formatErrors).toBeGreaterThan(50);
  });
});
