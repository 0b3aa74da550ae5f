import { rm } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/**
 * The running browser host's control channel for `lifeboat serve --new-link`:
 * a Unix socket (a named pipe on Windows) that only the same user can open,
 * so no secret is ever written to disk. Asked for a link, the host mints a new
 * one-time token and answers with the URL.
 */
export function linkControlPath(home: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `\\\\.\\pipe\\lifeboat-serve-${Buffer.from(home).toString('hex').slice(-40)}`;
  return join(home, 'serve-control.sock');
}

const ASK = 'new-link\n';

/** Asks the host running for this Lifeboat home for a new link; rejects when none runs. */
export function requestNewLink(path: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let reply = '';
    const timer = setTimeout(() => socket.destroy(new Error('the browser host did not answer')), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(ASK));
    socket.on('data', (d: string) => (reply += d));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new Error('no `lifeboat serve` is running for this Lifeboat home') : err);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      const url = reply.trim();
      if (url.startsWith('http://')) resolve(url);
      else reject(new Error(`the browser host answered: ${url || '(nothing)'}`));
    });
  });
}

/** Listens for `--new-link` requests; `mint` returns the new URL. A stale socket of a dead host is replaced. */
export async function startLinkControl(path: string, mint: () => string, log: (line: string) => void): Promise<{ close(): Promise<void> }> {
  const alive = await requestNewLinkProbe(path);
  if (alive) {
    log('another `lifeboat serve` already answers --new-link for this Lifeboat home; this one does not');
    return { close: async () => undefined };
  }
  if (process.platform !== 'win32') await rm(path, { force: true });
  const server: Server = createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    let asked = '';
    socket.on('data', (d: string) => {
      asked += d;
      if (!asked.includes('\n')) return;
      if (asked === ASK) {
        const url = mint();
        log(`a new one-time link was made: ${url}`);
        socket.end(url + '\n');
      } else socket.end('unknown request\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Owner-only: the socket file is created under a umask that keeps other users out.
    const previous = process.umask(0o177);
    server.listen(path, () => {
      process.umask(previous);
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log(`link control: ${err.message}`));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

/** Whether a live host already listens on the path (connect succeeds). */
function requestNewLinkProbe(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
