import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { frame, holdOpen, sendRaw, serverCloseCode, upgradeRequest } from './support/raw-client';
import { exchange, goodClientAnswers, openApiSocket } from './support/serve-session';

export interface HostUnderTest {
  port: number;
  /** Session cookie of this host (`lifeboat_session=…`). */
  cookie: string;
}

/** One malformed input sent to a running `lifeboat serve`; `run` checks the answer where one is promised. */
export interface MalformedCase {
  name: string;
  run(host: HostUnderTest): Promise<void>;
}

const MIB = 1024 * 1024;

function request(port: number, lines: string[], body = ''): string {
  return lines.join('\r\n').replace(/\{port\}/g, String(port)) + '\r\n\r\n' + body;
}

function rawCase(name: string, build: (port: number) => Array<string | Buffer>, answer?: RegExp): MalformedCase {
  return {
    name,
    async run({ port }) {
      const reply = await sendRaw(port, build(port));
      if (answer) expect(reply.text).toMatch(answer);
    },
  };
}

/** A WebSocket session (good Host, Origin and cookie), then `frames`; `code` is the close code the host must answer with. */
function frameCase(name: string, frames: () => Buffer[], code: number): MalformedCase {
  return {
    name,
    async run({ port, cookie }) {
      const reply = await sendRaw(port, [upgradeRequest(port, { Cookie: cookie }), ...frames()]);
      expect(reply.text).toMatch(/^HTTP\/1\.1 101 /);
      expect(serverCloseCode(reply.bytes)).toBe(code);
    },
  };
}

/** API messages over a real client; each must get a `bad-frame`/`unknown-method`/`invalid-input` reply, not a crash. */
function apiCase(name: string, messages: string[], code: string): MalformedCase {
  return {
    name,
    async run({ port, cookie }) {
      const ws = await openApiSocket(port, cookie);
      const replies = await exchange(ws, messages);
      ws.close();
      for (const r of replies) expect(r).toMatchObject({ ok: false, error: { code } });
    },
  };
}

const HOST = 'Host: 127.0.0.1:{port}';
const text = (payload: string | Buffer, more: Partial<Parameters<typeof frame>[0]> = {}): Buffer =>
  frame({ opcode: 0x1, payload, ...more });

export const MALFORMED_SERVE_CASES: MalformedCase[] = [
  // Requests without any token or session.
  rawCase('request target "//[" (unparsable URL)', (p) => [request(p, ['GET //[ HTTP/1.1', HOST])], /^HTTP\/1\.1 4\d\d /),
  rawCase(
    'request target "//[" with Upgrade: websocket',
    (p) => [upgradeRequest(p, {}).replace('GET /api ', 'GET //[ ')],
    /^HTTP\/1\.1 4\d\d /,
  ),
  rawCase(
    'request target "//[" with Upgrade: websocket and a foreign Host',
    (p) => [upgradeRequest(p, { Host: 'evil.example' }).replace('GET /api ', 'GET //[ ')],
    /^HTTP\/1\.1 4\d\d /,
  ),
  rawCase('absolute-form target "http://[::1" with Upgrade', (p) => [
    upgradeRequest(p, {}).replace('GET /api ', 'GET http://[::1 '),
  ]),
  rawCase('request target with bad percent-encoding', (p) => [request(p, ['GET /%E0%A4%A HTTP/1.1', HOST])], /^HTTP\/1\.1 401 /),
  rawCase(
    'header block over the size limit (64 KiB header)',
    (p) => [request(p, ['GET / HTTP/1.1', HOST, 'X-Big: ' + 'a'.repeat(64 * 1024)])],
    /^HTTP\/1\.1 431 /,
  ),
  rawCase('3,000 header lines', (p) => [
    request(p, ['GET / HTTP/1.1', HOST, ...Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`)]),
  ]),
  rawCase(
    'Content-Length that is not a number',
    (p) => [request(p, ['POST / HTTP/1.1', HOST, 'Content-Length: abc'])],
    /^HTTP\/1\.1 400 /,
  ),
  rawCase(
    'two different Content-Length headers',
    (p) => [request(p, ['POST / HTTP/1.1', HOST, 'Content-Length: 5', 'Content-Length: 9'], 'hello')],
    /^HTTP\/1\.1 400 /,
  ),
  rawCase('negative Content-Length', (p) => [request(p, ['POST / HTTP/1.1', HOST, 'Content-Length: -1'])], /^HTTP\/1\.1 400 /),
  rawCase('Content-Length far beyond the body sent', (p) => [
    request(p, ['POST / HTTP/1.1', HOST, 'Content-Length: 99999999999'], 'short'),
  ]),
  rawCase(
    'Content-Length and Transfer-Encoding together',
    (p) => [request(p, ['POST / HTTP/1.1', HOST, 'Content-Length: 4', 'Transfer-Encoding: chunked'], '0\r\n\r\n')],
    /^HTTP\/1\.1 400 /,
  ),
  rawCase('broken chunked body', (p) => [
    request(p, ['POST / HTTP/1.1', HOST, 'Transfer-Encoding: chunked'], 'ZZ\r\nnot a chunk\r\n'),
  ]),
  rawCase('4 KiB of random bytes', () => [randomBytes(4096)]),
  rawCase('a TLS ClientHello on the plain port', () => [Buffer.from('16030100a5010000a103035f', 'hex'), randomBytes(160)]),
  rawCase('NUL bytes in the request line', (p) => [request(p, ['GET /\0\0 HTTP/1.1', HOST])], /^HTTP\/1\.1 400 /),
  rawCase('HTTP/0.9 style request', () => ['GET /\r\n\r\n']),
  rawCase('unknown method', (p) => [request(p, ['BREW /pot HTTP/1.1', HOST])]),
  rawCase('Host header with bytes that are not ASCII', () => [
    Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nHost: \xff\xfe\x01:1\r\n\r\n', 'latin1')]),
  ]),
  rawCase('request cut off inside the header block', (p) => [`GET / HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nX-Half: `]),
  rawCase(
    'Upgrade to /api without a session and a foreign Host',
    (p) => [upgradeRequest(p, { Host: 'evil.example:1' })],
    /^HTTP\/1\.1 403 /,
  ),
  rawCase(
    'Upgrade with a garbled Cookie header',
    (p) => [upgradeRequest(p, { Cookie: 'lifeboat_session=%%%; ;;=;=' })],
    /^HTTP\/1\.1 403 /,
  ),
  rawCase(
    'pipelined garbage after a good request',
    (p) => [request(p, ['GET / HTTP/1.1', HOST]) + 'GET //[ HTTP/1.1\r\n\r\n\x00\x01'],
    /^HTTP\/1\.1 401 /,
  ),

  // Upgrades with a session but something wrong.
  ...(['http://[', 'null', 'http://evil.example', 'file://', 'http://127.0.0.1:1', 'x'.repeat(9000)].map((origin) => ({
    name: `Upgrade with bad Origin ${JSON.stringify(origin.slice(0, 24))}`,
    async run({ port, cookie }: HostUnderTest) {
      const reply = await sendRaw(port, [upgradeRequest(port, { Cookie: cookie, Origin: origin })]);
      expect(reply.text).toMatch(/^HTTP\/1\.1 403 /);
    },
  })) satisfies MalformedCase[]),
  {
    name: 'Upgrade without Sec-WebSocket-Key',
    async run({ port, cookie }) {
      const reply = await sendRaw(port, [upgradeRequest(port, { Cookie: cookie, 'Sec-WebSocket-Key': '' })]);
      expect(reply.text).toMatch(/^HTTP\/1\.1 400 /);
    },
  },
  {
    name: 'Upgrade with WebSocket version 7',
    async run({ port, cookie }) {
      const reply = await sendRaw(port, [upgradeRequest(port, { Cookie: cookie, 'Sec-WebSocket-Version': '7' })]);
      expect(reply.text).toMatch(/^HTTP\/1\.1 4\d\d /);
    },
  },
  {
    name: 'Upgrade on a path with bad percent-encoding',
    async run({ port, cookie }) {
      const reply = await sendRaw(port, [upgradeRequest(port, { Cookie: cookie }).replace('GET /api ', 'GET /api?%zz=%E0 ')]);
      expect(reply.text).toMatch(/^HTTP\/1\.1 (101|4\d\d) /);
    },
  },

  // Raw WebSocket frames inside a good session.
  frameCase('text frame over 1 MiB', () => [text(Buffer.alloc(MIB + 1, 0x61))], 1009),
  frameCase('frame header claiming 2^63 bytes', () => [frame({ opcode: 0x1, claimedLength: 1n << 63n })], 1009),
  frameCase(
    'fragments adding up to over 1 MiB',
    () => [
      ...Array.from({ length: 11 }, (_, i) =>
        frame({ opcode: i === 0 ? 0x1 : 0x0, fin: false, payload: Buffer.alloc(100 * 1024, 0x61) }),
      ),
    ],
    1009,
  ),
  frameCase('text frame with invalid UTF-8', () => [text(Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]))], 1007),
  frameCase('reserved data opcode 0x3', () => [frame({ opcode: 0x3, payload: 'x' })], 1002),
  frameCase('reserved control opcode 0xB', () => [frame({ opcode: 0xb, payload: 'x' })], 1002),
  frameCase('unmasked client frame', () => [text('{"id":1,"method":"app.info"}', { masked: false })], 1002),
  frameCase('RSV1 set without a negotiated extension', () => [text('{}', { rsv: 4 })], 1002),
  frameCase('fragmented ping', () => [frame({ opcode: 0x9, fin: false, payload: 'p' })], 1002),
  frameCase('ping with a 126-byte payload', () => [frame({ opcode: 0x9, payload: Buffer.alloc(126) })], 1002),
  frameCase('continuation frame with nothing to continue', () => [frame({ opcode: 0x0, payload: 'x' })], 1002),
  frameCase(
    'new text frame inside a fragmented message',
    () => [frame({ opcode: 0x1, fin: false, payload: '{' }), text('}')],
    1002,
  ),
  frameCase('close frame with status 999', () => [frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe7]) })], 1002),
  frameCase('close frame with a 1-byte payload', () => [frame({ opcode: 0x8, payload: Buffer.from([0x03]) })], 1002),
  frameCase(
    'close frame with an invalid UTF-8 reason',
    () => [frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe8, 0xff, 0xfe]) })],
    1007,
  ),
  frameCase('binary frame', () => [frame({ opcode: 0x2, payload: Buffer.from([1, 2, 3]) })], 1003),
  {
    name: 'half a frame header, then the client hangs up',
    async run({ port, cookie }) {
      const reply = await sendRaw(port, [upgradeRequest(port, { Cookie: cookie }), Buffer.from([0x81])]);
      expect(reply.text).toMatch(/^HTTP\/1\.1 101 /);
    },
  },

  // API messages that are not what the contract says.
  apiCase('API message that is not JSON', ['hello', '{"id":1,', '\u0000'], 'bad-frame'),
  apiCase(
    'API message that is JSON but not an object with an id',
    ['null', '[]', '42', '"x"', '{"id":{},"method":"app.info"}', '{"id":true}'],
    'bad-frame',
  ),
  apiCase('API message nested 100,000 levels deep', ['['.repeat(100_000) + ']'.repeat(100_000)], 'bad-frame'),
  apiCase(
    'API call of a method that does not exist',
    [
      '{"id":1,"method":"nope.nope"}',
      '{"id":2,"method":"__proto__"}',
      '{"id":3,"method":"constructor"}',
      '{"id":4,"method":"toString"}',
      '{"id":5,"method":42}',
    ],
    'unknown-method',
  ),
  apiCase(
    'API call with schema-invalid params',
    [
      '{"id":1,"method":"jobs.cancel","params":{"jobId":5}}',
      '{"id":2,"method":"jobs.cancel","params":"x"}',
      '{"id":3,"method":"connections.probe","params":{"url":""}}',
      '{"id":4,"method":"jobs.cancel","params":{"jobId":"a","extra":1}}',
      `{"id":5,"method":"connections.probe","params":{"url":"${'h'.repeat(5000)}"}}`,
    ],
    'invalid-input',
  ),

  // Bursts.
  {
    name: 'burst: 2,000 API calls on one socket',
    async run({ port, cookie }) {
      const ws = await openApiSocket(port, cookie);
      const frames = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: i, method: 'app.info', params: {} }));
      const replies = await exchange(ws, frames);
      ws.close();
      expect(replies.filter((r) => r.ok === true)).toHaveLength(2000);
    },
  },
  {
    name: 'burst: client hangs up with 500 calls in flight',
    async run({ port, cookie }) {
      const ws = await openApiSocket(port, cookie);
      for (let i = 0; i < 500; i++) ws.send(JSON.stringify({ id: i, method: 'app.info', params: {} }));
      ws.terminate();
    },
  },
  {
    name: 'burst: 200 connections at once sending "GET //["',
    async run({ port }) {
      const replies = await Promise.all(
        Array.from({ length: 200 }, () => sendRaw(port, [request(port, ['GET //[ HTTP/1.1', HOST])]).catch(() => null)),
      );
      expect(replies.filter((r) => /^HTTP\/1\.1 4\d\d /.test(r?.text ?? ''))).not.toHaveLength(0);
    },
  },
  {
    name: 'slowloris: 64 connections stuck inside their headers do not block a good client',
    async run({ port, cookie }) {
      const held = await Promise.all(
        Array.from({ length: 64 }, () => holdOpen(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `)),
      );
      try {
        expect(await goodClientAnswers(port, cookie)).toBe(true);
      } finally {
        for (const s of held) s.destroy();
      }
    },
  },
];
