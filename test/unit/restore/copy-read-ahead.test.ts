import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { copyDisk } from '../../../electron/restore/disk-copier';
import { MemoryDiskImage, patternBytes } from '../repository/memory-disk-image';

const MiB = 1024 * 1024;

/** A 16 MiB source full of data that counts its reads (and can fail one). */
async function countingSource(failAt?: number): Promise<{ source: MemoryDiskImage; reads: number[] }> {
  const reads: number[] = [];
  const source = new (class extends MemoryDiskImage {
    override async read(offset: number, length: number): Promise<Buffer> {
      reads.push(offset);
      if (offset === failAt) throw new Error(`injected read fault at ${offset}`);
      return super.read(offset, length);
    }
  })(16 * MiB);
  await source.write(0, patternBytes(16 * MiB, 3));
  return { source, reads };
}

/** A target whose writes wait until the test lets them go. */
function heldTarget(): { target: MemoryDiskImage; writes: number[]; release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const writes: number[] = [];
  const target = new (class extends MemoryDiskImage {
    override async write(offset: number, data: Buffer): Promise<void> {
      writes.push(offset);
      await held;
      return super.write(offset, data);
    }
  })(16 * MiB);
  return { target, writes, release };
}

describe('copyDisk reads ahead of its writes', () => {
  it('with one write in flight (SAN, HotAdd) the next pieces are read while that write is under way', async () => {
    const { source, reads } = await countingSource();
    const { target, writes, release } = heldTarget();
    const copying = copyDisk(source, target, { ioBytes: MiB, inFlight: 1, readAhead: 3, targetReadsZero: true });
    while (writes.length === 0) await tick();
    for (let i = 0; i < 20; i++) await tick();
    // The write of piece 0 is held; pieces 1-3 were read meanwhile, and no more than that.
    expect(writes).toEqual([0]);
    expect(reads).toEqual([0, MiB, 2 * MiB, 3 * MiB]);
    release();
    await copying;
    expect(target.bytes.equals(source.bytes)).toBe(true);
  });

  it('keeps what it holds bounded: never more pieces read than written plus inFlight plus readAhead', async () => {
    const { source, reads } = await countingSource();
    const target = new MemoryDiskImage(16 * MiB);
    let written = 0;
    let worst = 0;
    const watched = new Proxy(target, {
      get(t, prop) {
        if (prop === 'write')
          return async (offset: number, data: Buffer) => {
            worst = Math.max(worst, reads.length - written);
            await tick();
            await t.write(offset, data);
            written++;
          };
        const value = Reflect.get(t, prop, t);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
    await copyDisk(source, watched, { ioBytes: MiB, inFlight: 2, readAhead: 2, targetReadsZero: true });
    expect(worst).toBeLessThanOrEqual(2 + 2 + 1);
    expect(worst).toBeGreaterThanOrEqual(3);
    expect(target.bytes.equals(source.bytes)).toBe(true);
  });

  it('a read that fails ahead of its turn ends the copy with that error', async () => {
    const { source } = await countingSource(5 * MiB);
    const target = new MemoryDiskImage(16 * MiB);
    await expect(copyDisk(source, target, { ioBytes: MiB, inFlight: 1, readAhead: 4, targetReadsZero: true })).rejects.toThrow(
      /injected read fault at 5242880/,
    );
  });
});
