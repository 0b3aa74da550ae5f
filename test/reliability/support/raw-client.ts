import { connect, type Socket } from 'node:net';

/** What came back on one raw connection before it closed (or before we gave up waiting). */
export interface RawReply {
  text: string;
  bytes: Buffer;
  /** True when the server closed the connection (or reset it). */
  closedByServer: boolean;
}

/** Bound on how long one malformed exchange may take; not an assertion, only so a silent server cannot hang the suite. */
const EXCHANGE_BOUND_MS = 5_000;

function collect(socket: Socket, endOurSide: boolean): Promise<RawReply> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const finish = (): void => {
      clearTimeout(bound);
      const bytes = Buffer.concat(chunks);
      resolve({ text: bytes.toString('latin1'), bytes, closedByServer });
    };
    const bound = setTimeout(() => socket.destroy(), EXCHANGE_BOUND_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => (closedByServer = true));
    socket.on('error', () => (closedByServer = true));
    socket.on('close', finish);
    if (endOurSide) socket.end();
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends raw bytes (in pieces, each written separately), half-closes, and returns what the server answered. */
export async function sendRaw(port: number, pieces: Array<string | Buffer>): Promise<RawReply> {
  const socket = await open(port);
  for (const p of pieces) socket.write(typeof p === 'string' ? Buffer.from(p, 'latin1') : p);
  return collect(socket, true);
}

/** Opens a connection and leaves it hanging after `head` (a slow client); the caller destroys it. */
export async function holdOpen(port: number, head: string): Promise<Socket> {
  const socket = await open(port);
  socket.on('error', () => undefined);
  socket.write(head);
  return socket;
}

/** Waits until the server closes a held connection; resolves with what it said first. */
export function closedByServer(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('close', () => resolve(text));
  });
}

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  /** RSV1..3 bits as a 3-bit number. */
  rsv?: number;
  /** Client frames must be masked; false sends an unmasked frame. */
  masked?: boolean;
  /** Claims this payload length in the header instead of the real one. */
  claimedLength?: bigint;
}

/** Builds one WebSocket frame byte for byte (RFC 6455 section 5.2), including invalid ones. */
export function frame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : (spec.payload ?? Buffer.alloc(0));
  const length = spec.claimedLength ?? BigInt(payload.length);
  const masked = spec.masked ?? true;
  const head: number[] = [((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65536n) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(length);
  }
  const key = Buffer.from([0x11, 0x22, 0x33, 0x44]);
  const body = masked ? Buffer.from(payload.map((b, i) => b ^ key[i % 4]!)) : payload;
  return Buffer.concat([Buffer.from(head), ext, masked ? key : Buffer.alloc(0), body]);
}

/** The status code of the first close frame the server sent (server frames are unmasked), or null. */
export function serverCloseCode(bytes: Buffer): number | null {
  let pos = bytes.indexOf('\r\n\r\n');
  if (pos < 0) return null;
  pos += 4;
  while (pos + 2 <= bytes.length) {
    const opcode = bytes[pos]! & 0x0f;
    let len = bytes[pos + 1]! & 0x7f;
    let at = pos + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    if (opcode === 0x8) return len >= 2 ? bytes.readUInt16BE(at) : 1005;
    pos = at + len;
  }
  return null;
}

/** The HTTP/1.1 upgrade request a browser sends for the API socket. */
export function upgradeRequest(port: number, headers: Record<string, string>): string {
  const all: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    Origin: `http://127.0.0.1:${port}`,
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `GET /api HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
