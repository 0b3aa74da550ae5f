import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RawImage } from '../../../electron/disks/raw-image';
import { MiB, tempDir } from './disk-fixtures';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('write-behind');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fsp.rm(dir, { recursive: true, force: true });
});

/** The prototype every promise FileHandle shares, to watch datasync() on it. */
async function fileHandlePrototype(): Promise<{ datasync(): Promise<void> }> {
  const probe = await fsp.open(path.join(dir, 'probe'), 'w');
  await probe.close();
  return Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
}

async function writeMiB(image: RawImage, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await image.write(i * MiB, Buffer.alloc(MiB, (i % 250) + 1));
}

describe('write-behind flushing of local images', () => {
  it('starts flushing written data to disk while writes go on, before the closing sync', async () => {
    const datasync = vi.spyOn(await fileHandlePrototype(), 'datasync');
    const image = await RawImage.create(path.join(dir, 'disk.raw'), 64 * MiB);
    await writeMiB(image, 40);
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
    await image.flush();
    await image.close();
    const back = await fsp.readFile(path.join(dir, 'disk.raw'));
    expect(back.subarray(39 * MiB, 40 * MiB).equals(Buffer.alloc(MiB, 40))).toBe(true);
  });

  it('a flush that failed in the background is reported by the closing sync, not lost', async () => {
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    vi.spyOn(await fileHandlePrototype(), 'datasync').mockRejectedValue(eio);
    const image = await RawImage.create(path.join(dir, 'disk.raw'), 64 * MiB);
    await writeMiB(image, 40);
    await expect(image.flush()).rejects.toThrow(/EIO/);
    await image.close();
  });
});

describe('write-behind flushing across files', () => {
  it('runs one background flush at a time in the process, so parallel disks keep pool threads for their I/O', async () => {
    const proto = await fileHandlePrototype();
    const real = proto.datasync;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let running = 0;
    let most = 0;
    let calls = 0;
    // Every background flush is held until the writes of all four disks are done.
    vi.spyOn(proto, 'datasync').mockImplementation(async function (this: unknown) {
      calls++;
      most = Math.max(most, ++running);
      try {
        await held;
        return await real.call(this);
      } finally {
        running--;
      }
    });
    const images = await Promise.all([0, 1, 2, 3].map((k) => RawImage.create(path.join(dir, `d${k}.raw`), 64 * MiB)));
    await Promise.all(images.map((image) => writeMiB(image, 48)));
    // Each disk wrote three times the threshold, but only one flush could start.
    expect(calls).toBe(1);
    release();
    await Promise.all(images.map((image) => image.flush()));
    await Promise.all(images.map((image) => image.close()));
    expect(most).toBe(1);
  });
});
