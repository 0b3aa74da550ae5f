import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../electron/api/schemas/job-schema';
import { createEngine, type LifeboatEngine } from '../../../electron/engine/lifeboat-engine';
import { startBrowserHost, type BrowserHost } from '../../../electron/serve/browser-host';
import { MemorySecretStore } from '../../support/memory-secret-store';
import { closedByServer, frame, holdOpen, sendRaw, serverCloseCode, upgradeRequest } from '../../reliability/support/raw-client';
import { httpGet, openApiSocket, redeemToken } from '../../reliability/support/serve-session';

function job(id: string): JobSnapshot {
  return {
    id,
    kind: 'restore',
    title: 'Restore app01',
    phase: 'running',
    step: 'verify',
    bytesDone: 0,
    bytesTotal: 100,
    bytesPerSecond: 0,
    etaSeconds: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    error: null,
    findings: [],
  };
}

describe('browser host: a broken or hostile browser never reaches the engine', () => {
  let dir: string;
  let engine: LifeboatEngine;
  let host: BrowserHost;
  let cookie: string;
  const logged: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-serve-resilience-'));
    await mkdir(join(dir, 'renderer'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Lifeboat</title>');
    engine = createEngine({ frontDoor: 'browser', home: join(dir, 'home'), secretStore: new MemorySecretStore() });
    host = await startBrowserHost({
      engine,
      rendererDir: join(dir, 'renderer'),
      port: 0,
      slowClientMs: 300,
      log: (l) => logged.push(l),
    });
    cookie = await redeemToken(host.url);
  });

  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a job keeps running and finishes while browsers send bad frames and vanish mid-verify', async () => {
    const watcher = await openApiSocket(host.port, cookie);
    const running = engine.jobs.start(job('job-verify'));
    const hostile = sendRaw(host.port, [
      upgradeRequest(host.port, { Cookie: cookie }),
      frame({ opcode: 0x1, payload: 'x', masked: false }),
    ]);
    for (let i = 1; i <= 50; i++) running.update({ bytesDone: i });
    watcher.terminate();
    const reply = await hostile;
    for (let i = 51; i <= 100; i++) running.update({ bytesDone: i });
    running.update({ phase: 'succeeded', finishedAt: new Date().toISOString() });
    expect(serverCloseCode(reply.bytes)).toBe(1002);
    expect(engine.jobs.list().find((j) => j.id === 'job-verify')).toMatchObject({ phase: 'succeeded', bytesDone: 100 });
    expect(logged.join('\n')).toMatch(/closed a WebSocket: .*MASK/i);
  });

  it('closes a client that never finishes its headers (slowloris bound)', async () => {
    const slow = await holdOpen(host.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Slow: `);
    expect(await closedByServer(slow)).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('redirects after the token only to a path on this host, never to //elsewhere', async () => {
    const other = await startBrowserHost({ engine, rendererDir: join(dir, 'renderer'), port: 0 });
    try {
      const token = new URL(other.url).searchParams.get('token') ?? '';
      const reply = await httpGet(other.port, `//evil.example/x?token=${token}`);
      expect(reply.status).toBe(303);
      expect(reply.headers.location).toBe('/evil.example/x');
    } finally {
      await other.close();
    }
  });
});
