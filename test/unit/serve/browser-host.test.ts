import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngine, type LifeboatEngine } from '../../../electron/engine/lifeboat-engine';
import { startBrowserHost, type BrowserHost } from '../../../electron/serve/browser-host';
import { MemorySecretStore } from '../../support/memory-secret-store';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
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

function openSocket(port: number, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function callOver(ws: WebSocket, frame: object): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.send(JSON.stringify(frame));
  });
}

describe('browser host (lifeboat serve)', () => {
  let dir: string;
  let engine: LifeboatEngine;
  let host: BrowserHost;
  let cookie: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-serve-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Lifeboat</title>');
    await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'outside the bundle');
    engine = createEngine({ frontDoor: 'browser', home: join(dir, 'home'), secretStore: new MemorySecretStore() });
    host = await startBrowserHost({ engine, rendererDir: join(dir, 'renderer'), port: 0 });
  });

  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and prints a URL with a token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
  });

  it('refuses requests without the token', async () => {
    const reply = await get(host.port, '/');
    expect(reply.status).toBe(401);
    expect((await get(host.port, '/assets/app.js')).status).toBe(401);
    expect((await get(host.port, '/?token=wrong')).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const token = new URL(host.url).searchParams.get('token') ?? '';
    const reply = await get(host.port, `/?token=${token}`, { host: `evil.example:${host.port}` });
    expect(reply.status).toBe(403);
  });

  it('swaps the token once for an HttpOnly SameSite=Strict session cookie', async () => {
    const path = new URL(host.url).pathname + new URL(host.url).search;
    const first = await get(host.port, path);
    expect(first.status).toBe(303);
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    cookie = setCookie.split(';')[0] ?? '';
    expect((await get(host.port, path)).status).toBe(401); // the token is burnt
  });

  it('serves the bundle with a strict CSP to the session, and nothing outside it', async () => {
    const page = await get(host.port, '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Lifeboat</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(host.port, '/assets/app.js', { cookie })).body).toBe('console.log(1)');
    expect((await get(host.port, '/../secret.txt', { cookie })).body).not.toContain('outside the bundle');
    expect((await get(host.port, '/%2e%2e/secret.txt', { cookie })).body).not.toContain('outside the bundle');
  });

  it('refuses WebSocket upgrades without the session or from another origin', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    await expect(openSocket(host.port, { origin })).rejects.toThrow(/403/);
    await expect(openSocket(host.port, { origin: 'http://evil.example', cookie })).rejects.toThrow(/403/);
  });

  it('answers API calls and pushes engine events over the WebSocket', async () => {
    const ws = await openSocket(host.port, { origin: `http://127.0.0.1:${host.port}`, cookie });
    const reply = await callOver(ws, { id: 1, method: 'app.info', params: {} });
    expect(reply).toMatchObject({ id: 1, ok: true, value: { productName: 'Lifeboat', frontDoor: 'browser' } });
    const bad = await callOver(ws, { id: 2, method: 'jobs.cancel', params: { jobId: '' } });
    expect(bad).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-input' } });

    const pushed = new Promise<Record<string, unknown>>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    engine.jobs.start({
      id: 'job-1', kind: 'restore', title: 'Restore app01', phase: 'running', step: null, bytesDone: 0, bytesTotal: 10,
      bytesPerSecond: 0, etaSeconds: null, startedAt: new Date().toISOString(), finishedAt: null, error: null, findings: [],
    });
    expect(await pushed).toMatchObject({ event: 'jobs.onProgress', payload: { id: 'job-1', title: 'Restore app01' } });
    ws.close();
  });
});
