import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LifeboatEngine } from '../engine/lifeboat-engine';
import { securityHeaders } from '../security/content-security-policy';
import { HostAuth } from './host-auth';
import { startLinkControl } from './link-control';
import { parseRequestTarget } from './request-target';
import { loadStaticFile } from './static-files';
import { handleSocketMessage } from './socket-protocol';

export interface BrowserHostOptions {
  engine: LifeboatEngine;
  /** Folder of the built renderer bundle (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** How long a client may take to send its request (slowloris bound); default 10 s. */
  slowClientMs?: number;
  /** Where host-side problems are reported (never secrets); default stderr. */
  log?: (line: string) => void;
  /** Socket path where `lifeboat serve --new-link` asks for a new one-time link (see link-control.ts); none: no control channel. */
  controlPath?: string;
}

export interface BrowserHost {
  /** The URL to open, with the one-time token. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Largest API message a browser may send; restore requests are small. Larger frames are closed with 1009. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const DEFAULT_SLOW_CLIENT_MS = 10_000;

function refuse(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text + '\n');
}

/** Answers an upgrade we will not accept and drops the connection. */
function refuseUpgrade(socket: Duplex, status: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Where the redirect after redeeming the token goes: always a path on this host (never `//elsewhere`). */
function sameHostLocation(url: URL): string {
  return url.pathname.replace(/^\/+/, '/') + url.search + url.hash;
}

/**
 * `lifeboat serve`: the renderer bundle and the API over a WebSocket, on
 * 127.0.0.1 only, behind a one-time token (see HostAuth). No request, frame or
 * broken connection may stop the process: every socket has an error handler,
 * request targets are parsed without throwing, and engine events reach
 * browsers through a forwarder that cannot throw back into a running job.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const auth = new HostAuth();
  const sockets = new Set<WebSocket>();
  const log = options.log ?? ((line: string) => void process.stderr.write(`lifeboat serve: ${line}\n`));
  const slowClientMs = options.slowClientMs ?? DEFAULT_SLOW_CLIENT_MS;
  let port = 0;
  const origin = (): string => `http://127.0.0.1:${port}`;

  const server = createServer(
    // Node checks slow requests on this interval; a bound of 10 s is enforced within ~1 s.
    { headersTimeout: slowClientMs, requestTimeout: slowClientMs, connectionsCheckingInterval: Math.min(1000, slowClientMs) },
    (req, res) => {
      serveHttp(req, res).catch((err: unknown) => {
        log(`request failed: ${err instanceof Error ? err.message : String(err)}`);
        refuse(res, 500, 'Internal error.');
      });
    },
  );
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!auth.hostAllowed(req)) return refuse(res, 403, 'Forbidden: unexpected Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    const url = parseRequestTarget(req.url, origin());
    if (!url) return refuse(res, 400, 'Bad request target.');
    if (!auth.hasSession(req)) {
      const cookie = auth.redeem(url.searchParams.get('token'));
      if (!cookie) {
        return refuse(
          res,
          401,
          'Lifeboat browser host: open the URL with the token that `lifeboat serve` printed (it works once).',
        );
      }
      url.searchParams.delete('token');
      res.writeHead(303, { 'Set-Cookie': cookie, Location: sameHostLocation(url), 'Cache-Control': 'no-store' });
      return void res.end();
    }
    const file = await loadStaticFile(options.rendererDir, url.pathname);
    if (!file) return refuse(res, 404, 'Not found.');
    res.writeHead(200, {
      ...securityHeaders([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
      'Content-Type': file.contentType,
      'Content-Length': String(file.body.length),
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  function acceptSocket(ws: WebSocket): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    // Protocol violations (size cap 1009, bad UTF-8 1007, bad opcode/mask 1002) are answered by ws with a close frame;
    // the error itself only concerns that one browser.
    ws.on('error', (err) => log(`closed a WebSocket: ${err.message}`));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      handleSocketMessage(options.engine.dispatcher, String(data))
        .then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(reply);
        })
        .catch((err: unknown) => log(`API message failed: ${err instanceof Error ? err.message : String(err)}`));
    });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = parseRequestTarget(req.url, origin());
    if (!url || url.pathname !== '/api' || !auth.hostAllowed(req) || !auth.originAllowed(req) || !auth.hasSession(req)) {
      return refuseUpgrade(socket, '403 Forbidden');
    }
    try {
      wss.handleUpgrade(req, socket, head, acceptSocket);
    } catch (err) {
      log(`upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
      refuseUpgrade(socket, '400 Bad Request');
    }
  });

  // Unparsable requests, header overflow (431), bad Content-Length, resets: answer if we still can, never throw.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    socket.on('error', () => undefined);
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    refuseUpgrade(socket, status);
  });

  // A browser that is slow or gone must never reach the job that emits the event.
  const unsubscribe = options.engine.events.subscribe((name, payload) => {
    let frame: string;
    try {
      frame = JSON.stringify({ event: name, payload });
    } catch (err) {
      return log(`event ${name} could not be sent: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const ws of sockets) {
      try {
        if (ws.readyState === ws.OPEN) ws.send(frame);
      } catch (err) {
        log(`event ${name} not delivered to one browser: ${err instanceof Error ? err.message : String(err)}`);
        ws.terminate();
      }
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, accept errors (EMFILE in a connection burst) are reported, not fatal.
  server.on('error', (err) => log(`listener error: ${err.message}`));
  port = (server.address() as AddressInfo).port;
  auth.setPort(port);
  const url = `http://127.0.0.1:${port}/?token=${auth.pendingToken}`;
  const control = options.controlPath
    ? await startLinkControl(options.controlPath, () => `http://127.0.0.1:${port}/?token=${auth.newToken()}`, log)
    : null;

  return {
    url,
    port,
    async close() {
      unsubscribe();
      await control?.close();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
