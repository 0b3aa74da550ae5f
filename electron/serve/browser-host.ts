import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LifeboatEngine } from '../engine/lifeboat-engine';
import { securityHeaders } from '../security/content-security-policy';
import { HostAuth } from './host-auth';
import { loadStaticFile } from './static-files';
import { handleSocketMessage } from './socket-protocol';

export interface BrowserHostOptions {
  engine: LifeboatEngine;
  /** Folder of the built renderer bundle (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface BrowserHost {
  /** The URL to open, with the one-time token. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Largest API message a browser may send; restore requests are small. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

function refuse(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text + '\n');
}

/**
 * `lifeboat serve`: the renderer bundle and the API over a WebSocket, on
 * 127.0.0.1 only, behind a one-time token (see HostAuth).
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const auth = new HostAuth();
  const sockets = new Set<WebSocket>();
  let port = 0;

  const server = createServer((req, res) => void serveHttp(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!auth.hostAllowed(req)) return refuse(res, 403, 'Forbidden: unexpected Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!auth.hasSession(req)) {
      const cookie = auth.redeem(url.searchParams.get('token'));
      if (!cookie) {
        return refuse(res, 401, 'Lifeboat browser host: open the URL with the token that `lifeboat serve` printed (it works once).');
      }
      url.searchParams.delete('token');
      res.writeHead(303, { 'Set-Cookie': cookie, Location: url.pathname + url.search + url.hash, 'Cache-Control': 'no-store' });
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

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/api' || !auth.hostAllowed(req) || !auth.originAllowed(req) || !auth.hasSession(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'text frames only');
        void handleSocketMessage(options.engine.dispatcher, String(data)).then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(reply);
        });
      });
    });
  });

  const unsubscribe = options.engine.events.subscribe((name, payload) => {
    const frame = JSON.stringify({ event: name, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  auth.setPort(port);
  const url = `http://127.0.0.1:${port}/?token=${auth.pendingToken}`;

  return {
    url,
    port,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
