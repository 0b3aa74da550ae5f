import { request } from 'node:http';
import WebSocket from 'ws';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Redeems the one-time token of `url` and returns the session cookie (`name=value`). */
export async function redeemToken(url: string): Promise<string> {
  const u = new URL(url);
  const reply = await httpGet(Number(u.port), u.pathname + u.search);
  if (reply.status !== 303) throw new Error(`token redemption answered ${reply.status}`);
  return String(reply.headers['set-cookie']).split(';')[0] ?? '';
}

export function openApiSocket(port: number, cookie: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers: { origin: `http://127.0.0.1:${port}`, cookie } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/** Sends API frames and resolves with the replies in arrival order once `count` replies came. */
export function exchange(
  ws: WebSocket,
  frames: Array<string | Buffer>,
  count = frames.length,
): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const replies: Array<Record<string, unknown>> = [];
    const onMessage = (data: WebSocket.RawData): void => {
      const parsed = JSON.parse(String(data)) as Record<string, unknown>;
      if ('event' in parsed) return;
      replies.push(parsed);
      if (replies.length === count) {
        ws.off('message', onMessage);
        resolve(replies);
      }
    };
    ws.on('message', onMessage);
    ws.once('close', (code) => reject(new Error(`socket closed (${code}) after ${replies.length} of ${count} replies`)));
    for (const f of frames) ws.send(f);
  });
}

/** A good client: the page loads and an API call over a fresh socket answers. */
export async function goodClientAnswers(port: number, cookie: string): Promise<boolean> {
  try {
    const page = await httpGet(port, '/', { cookie });
    if (page.status !== 200) return false;
    const ws = await openApiSocket(port, cookie);
    const [reply] = await exchange(ws, [JSON.stringify({ id: 'probe', method: 'app.info', params: {} })]);
    ws.close();
    return reply?.ok === true;
  } catch {
    return false;
  }
}
