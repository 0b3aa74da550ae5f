import { describe, expect, it } from 'vitest';
import { ReadBackCheck } from '../../../electron/restore/read-back-check';
import { MemoryDiskImage, patternBytes } from '../repository/memory-disk-image';

const MiB = 1024 * 1024;

/** A target that reads back into the caller's buffer and records which buffers it was given. */
function target(): { image: MemoryDiskImage; buffers: Set<ArrayBufferLike> } {
  const buffers = new Set<ArrayBufferLike>();
  const image = new (class extends MemoryDiskImage {
    async readInto(buf: Buffer, offset: number): Promise<void> {
      buffers.add(buf.buffer);
      (await this.read(offset, buf.length)).copy(buf);
    }
  })(8 * MiB);
  return { image, buffers };
}

describe('ReadBackCheck', () => {
  it('compares each piece with what was written, into a buffer it reuses', async () => {
    const { image, buffers } = target();
    const data = patternBytes(8 * MiB, 5);
    await image.write(0, data);
    const check = new ReadBackCheck(image, MiB, 3);
    for (let at = 0; at < 8 * MiB; at += MiB) await check.check(at, data.subarray(at, at + MiB), MiB);
    expect(check).toMatchObject({ bytesCompared: 8 * MiB, firstMismatch: null });
    expect(buffers.size).toBe(1);
  });

  it('names the lowest differing byte, also where a piece skipped as zeros reads back otherwise', async () => {
    const { image } = target();
    const data = patternBytes(2 * MiB, 9);
    await image.write(0, data);
    image.bytes[MiB + 700] = image.bytes[MiB + 700]! ^ 0xff;
    await image.write(6 * MiB, Buffer.alloc(512, 1));
    const check = new ReadBackCheck(image, MiB, 3);
    await Promise.all([
      check.check(6 * MiB, null, MiB),
      check.check(MiB, data.subarray(MiB), MiB),
      check.check(0, data.subarray(0, MiB), MiB),
    ]);
    expect(check.firstMismatch).toBe(MiB + 700);
    const zeros = new ReadBackCheck(image, MiB, 3);
    await zeros.check(6 * MiB, null, MiB);
    expect(zeros.firstMismatch).toBe(6 * MiB);
  });
});
