import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, writeFrame } from '../../../electron/vddk/wire-protocol';

describe('VDDK worker wire protocol', () => {
  it('round-trips a header with binary payload, byte by byte and in one chunk', () => {
    const payload = Buffer.from([0, 1, 2, 255, 254]);
    const frame = encodeFrame({ id: 7, op: 'write', args: [3, 0] }, payload);
    const whole = new FrameReader().push(frame);
    expect(whole).toHaveLength(1);
    expect(whole[0]!.header).toEqual({ id: 7, op: 'write', args: [3, 0] });
    expect(whole[0]!.payload).toEqual(payload);

    const reader = new FrameReader();
    const got = [];
    for (const byte of frame) got.push(...reader.push(Buffer.from([byte])));
    expect(got).toHaveLength(1);
    expect(got[0]!.payload).toEqual(payload);
  });

  it('separates several frames in one chunk and leaves a partial one buffered', () => {
    const a = encodeFrame({ id: 1 });
    const b = encodeFrame({ id: 2 }, Buffer.alloc(1000, 9));
    const c = encodeFrame({ id: 3 });
    const reader = new FrameReader<{ id: number }>();
    const joined = Buffer.concat([a, b, c]);
    const first = reader.push(joined.subarray(0, joined.length - 2));
    expect(first.map((f) => f.header.id)).toEqual([1, 2]);
    expect(first[0]!.payload).toBeUndefined();
    expect(first[1]!.payload?.length).toBe(1000);
    expect(reader.push(joined.subarray(joined.length - 2)).map((f) => f.header.id)).toEqual([3]);
  });

  it('carries payload bytes raw, not JSON-encoded', () => {
    const payload = Buffer.alloc(64 * 1024, 0xab);
    const frame = encodeFrame({ id: 1, ok: true }, payload);
    expect(frame.length).toBeLessThan(payload.length + 64);
  });

  it('writes head and payload separately with the same bytes as one encoded frame', () => {
    const chunks: Buffer[] = [];
    const payload = Buffer.alloc(3000, 7);
    writeFrame({ write: (c: Buffer) => chunks.push(c) }, { id: 9, ok: true }, payload);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(payload);
    expect(Buffer.concat(chunks).equals(encodeFrame({ id: 9, ok: true }, payload))).toBe(true);
  });

  it('rejects a corrupt length instead of waiting forever', () => {
    const bad = Buffer.alloc(8);
    bad.writeUInt32LE(0xffffffff, 0);
    expect(() => new FrameReader().push(bad)).toThrow(/bad frame length/);
  });
});
