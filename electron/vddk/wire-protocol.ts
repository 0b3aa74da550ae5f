/**
 * Length-prefixed frames between the engine and the VDDK worker, independent
 * of the transport (a stdio pipe today; a MessagePort would carry the same
 * frames). Layout: u32 LE length of the rest, u32 LE header length, a JSON
 * header, then raw payload bytes (disk data travels as bytes, never as JSON).
 */

export interface Frame<H = unknown> {
  header: H;
  payload?: Buffer;
}

/** Frames larger than this are a protocol error (requests are at most 64 MiB). */
export const MAX_FRAME_BYTES = 80 * 1024 * 1024;

/** Length prefix and header of a frame whose payload (if any) is written right after it. */
export function encodeFrameHead(header: unknown, payloadLength = 0): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.allocUnsafe(8 + json.length);
  head.writeUInt32LE(4 + json.length + payloadLength, 0);
  head.writeUInt32LE(json.length, 4);
  json.copy(head, 8);
  return head;
}

/** A whole frame in one buffer (tests and small messages). */
export function encodeFrame(header: unknown, payload?: Buffer): Buffer {
  const head = encodeFrameHead(header, payload?.length ?? 0);
  return payload && payload.length > 0 ? Buffer.concat([head, payload]) : head;
}

/** Writes a frame without copying the payload into a new buffer. */
export function writeFrame(out: { write(chunk: Buffer): unknown }, header: unknown, payload?: Buffer): void {
  out.write(encodeFrameHead(header, payload?.length ?? 0));
  if (payload && payload.length > 0) out.write(payload);
}

/** Collects chunks from a byte stream and hands back whole frames. */
export class FrameReader<H = unknown> {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Adds bytes; returns every frame now complete, in order. */
  push(chunk: Buffer): Frame<H>[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame<H>[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const rest = this.peekLength();
      if (rest < 4 || rest > MAX_FRAME_BYTES) throw new Error(`VDDK worker protocol: bad frame length ${rest}`);
      if (this.buffered < 4 + rest) break;
      const bytes = this.take(4 + rest);
      const headerLength = bytes.readUInt32LE(4);
      if (headerLength > rest - 4) throw new Error('VDDK worker protocol: header longer than its frame');
      const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as H;
      const payload = rest - 4 > headerLength ? bytes.subarray(8 + headerLength) : undefined;
      frames.push({ header, payload });
    }
    return frames;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readUInt32LE(0);
    return this.take(4, true).readUInt32LE(0);
  }

  /** Removes (or with `peek`, copies) the first `n` buffered bytes. */
  private take(n: number, peek = false): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    if (peek) {
      this.chunks = [joined];
      return joined.subarray(0, n);
    }
    const out = joined.subarray(0, n);
    const remainder = joined.subarray(n);
    this.chunks = remainder.length > 0 ? [remainder] : [];
    this.buffered -= n;
    return out;
  }
}
