/**
 * Entry point of the VDDK worker process: `node vddk-worker.js <addon.node>`.
 * VDDK lives only here, so its bundled TLS and C++ libraries never meet the
 * app's and a VDDK crash ends this process, not the app. The engine talks to it
 * over fd 3 with wire-protocol frames. The Electron app (RunAsNode is fused
 * off) starts its own executable with a worker flag and calls runVddkWorker.
 */
import { Socket } from 'node:net';
import { FrameReader, writeFrame } from './wire-protocol';
import type { WorkerErrorInfo, WorkerRequest, WorkerResponse } from './worker-messages';

type AddonFunction = (...args: unknown[]) => unknown;

function describe(err: unknown, operation: string): WorkerErrorInfo {
  const e = err as { message?: unknown; vixCode?: unknown; vixRaw?: unknown; vixMessage?: unknown; operation?: unknown };
  const info: WorkerErrorInfo = {
    message: typeof e?.message === 'string' ? e.message : String(err),
    operation: typeof e?.operation === 'string' ? e.operation : operation,
  };
  if (typeof e?.vixCode === 'number') info.vixCode = e.vixCode;
  if (typeof e?.vixRaw === 'string') info.vixRaw = e.vixRaw;
  if (typeof e?.vixMessage === 'string') info.vixMessage = e.vixMessage;
  return info;
}

/** Serves the engine's VDDK requests over fd 3 until the engine closes the channel. */
export function runVddkWorker(addonPath: string | undefined): void {
  if (!addonPath) {
    process.stderr.write('vddk-worker: usage: vddk-worker.js <path to lifeboat_vddk.node>\n');
    process.exit(2);
  }
  const addon = require(addonPath) as Record<string, AddonFunction>;
  const channel = new Socket({ fd: 3, readable: true, writable: true });
  const reader = new FrameReader<WorkerRequest>();

  const send = (response: WorkerResponse, payload?: Buffer): void => {
    writeFrame(channel, response, payload);
  };

  const handle = async (request: WorkerRequest, payload: Buffer | undefined): Promise<void> => {
    const { id, op } = request;
    const started = performance.now();
    const ms = (): number => performance.now() - started;
    try {
      if (op === 'ping') return send({ id, ok: true, value: Date.now() });
      const fn = addon[op];
      if (typeof fn !== 'function') throw new Error(`unknown operation ${op}`);
      const args = op === 'write' ? [...request.args, payload ?? Buffer.alloc(0)] : request.args;
      const value = await fn(...args);
      if (Buffer.isBuffer(value)) send({ id, ok: true, ms: ms() }, value);
      else send({ id, ok: true, value, ms: ms() });
    } catch (err) {
      send({ id, ok: false, error: describe(err, op), ms: ms() });
    }
  };

  channel.on('data', (chunk: Buffer) => {
    let frames;
    try {
      frames = reader.push(chunk);
    } catch (err) {
      process.stderr.write(`vddk-worker: ${(err as Error).message}\n`);
      process.exit(3);
    }
    for (const frame of frames) void handle(frame.header, frame.payload);
  });
  // The engine went away: nothing will close our disks, so end now.
  const quit = (): void => process.exit(0);
  channel.on('end', quit);
  channel.on('error', quit);
}

if (require.main === module) runVddkWorker(process.argv[2]);
