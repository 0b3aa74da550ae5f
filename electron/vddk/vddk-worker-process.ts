import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { productInfo } from '../config/product';
import { defaultVddkTrace, describeVddkArgs, VddkCallStats, type VddkCallTrace } from './vddk-call-stats';
import { VddkCallError, VddkError, VddkWorkerExitedError } from './vddk-error';
import { FrameReader, writeFrame } from './wire-protocol';
import type { WorkerOperation, WorkerRequest, WorkerResponse } from './worker-messages';

export interface WorkerSpawnOptions {
  /** The VDDK distribution folder (the addon loads the library and its bundled dependencies from it). */
  vddkDir: string;
  /**
   * The program that runs the worker script. Default: this Node (process.execPath).
   * Inside Electron, RunAsNode is fused off, so the shell passes a bundled node or
   * starts the script with utilityProcess instead.
   */
  executable?: string;
  /** The worker script (default: found by workerScriptPath()). */
  workerScript?: string;
  /** The compiled addon (default: native/build/Release/lifeboat_vddk.node). */
  addonPath?: string;
  /** Receives each line VDDK logs (it goes to the worker's stderr). */
  onLog?: (line: string) => void;
  /** Debug-level trace of every VDDK call (default: stderr when LIFEBOAT_DEBUG names "vddk"). */
  onTrace?: (trace: VddkCallTrace) => void;
  env?: NodeJS.ProcessEnv;
}

/** How the worker process is started: a program and its arguments for the worker script and the addon. */
export interface WorkerLauncher {
  executable: string;
  args: (workerScript: string, addon: string) => string[];
}

let defaultLauncher: WorkerLauncher = { executable: process.execPath, args: (script, addon) => [script, addon] };

/**
 * Sets how every VDDK worker of this process is started. Plain Node runs the
 * script; the Electron shell (RunAsNode fused off) starts its own executable
 * with a worker flag that its main script recognises.
 */
export function configureVddkWorkerLauncher(launcher: WorkerLauncher): void {
  defaultLauncher = launcher;
}

/** native/build/Release/lifeboat_vddk.node under the app root (LIFEBOAT_ADDON: another build, e.g. the sanitizer one). */
export function addonPath(root: string = productInfo().root, env: NodeJS.ProcessEnv = process.env): string {
  return env.LIFEBOAT_ADDON || join(root, 'native', 'build', 'Release', 'lifeboat_vddk.node');
}

/** The worker script: next to this file when compiled (dist/), else the bundle build:native makes. */
export function workerScriptPath(root?: string): string {
  const compiled = join(__dirname, 'vddk-worker.js');
  if (existsSync(compiled)) return compiled;
  return join(root ?? productInfo().root, 'native', 'build', 'vddk-worker.js');
}

/**
 * The worker's environment: the caller's, unchanged. VDDK's lib64/ is never put
 * on LD_LIBRARY_PATH (nor bin\\ on PATH): the loader would then give Node and the
 * addon VDDK's older libstdc++. The addon loads VDDK's bundled libraries by
 * absolute path instead (native/src/bundled-libraries.cc); on Windows
 * LoadLibraryEx with an altered search path finds them beside the DLL.
 */
export function workerEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base };
}

interface Pending {
  op: WorkerOperation;
  args: unknown[];
  payloadBytes?: number;
  sent: number;
  resolve: (r: { value: unknown; payload?: Buffer }) => void;
  reject: (err: Error) => void;
}

const LOG_LINES_KEPT = 40;

/** One VDDK worker process and the calls in flight to it. */
export class VddkWorkerProcess {
  private readonly child: ChildProcess;
  private readonly channel: Duplex;
  private readonly reader = new FrameReader<WorkerResponse>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly lastLog: string[] = [];
  private readonly exitWaiters: Array<() => void> = [];
  private readonly trace: ((t: VddkCallTrace) => void) | undefined;
  /** Every VDDK call of this worker, counted and timed (for the job report). */
  readonly stats = new VddkCallStats();

  constructor(options: WorkerSpawnOptions) {
    const script = options.workerScript ?? workerScriptPath();
    const addon = options.addonPath ?? addonPath();
    if (!existsSync(script)) {
      throw new VddkCallError('start', `The VDDK worker script is missing (${script}). Run \`npm run build:native\`.`);
    }
    if (!existsSync(addon)) {
      throw new VddkCallError('start', `The native addon is missing (${addon}). Run \`npm run build:native\`.`);
    }
    this.trace = options.onTrace ?? defaultVddkTrace(options.env ?? process.env);
    const launcher = options.executable ? { executable: options.executable, args: (s: string, a: string) => [s, a] } : defaultLauncher;
    this.child = spawn(launcher.executable, launcher.args(script, addon), {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: workerEnvironment(options.env ?? process.env),
      windowsHide: true,
    });
    this.channel = this.child.stdio[3] as Duplex;
    this.channel.on('data', (chunk: Buffer) => this.onData(chunk));
    this.channel.on('error', () => {
      /* the exit handler reports it */
    });
    let partial = '';
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        this.lastLog.push(line);
        if (this.lastLog.length > LOG_LINES_KEPT) this.lastLog.shift();
        options.onLog?.(line);
      }
    });
    this.child.on('error', (err) => this.onExit(null, null, err));
    // 'close' comes after stderr is drained, so the last log lines are in the error.
    this.child.on('close', (code, signal) => this.onExit(code, signal));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exited === undefined;
  }

  /** Sends one request; resolves with the value (and payload bytes) or rejects with a typed error. */
  call(op: WorkerOperation, args: unknown[], payload?: Buffer): Promise<{ value: unknown; payload?: Buffer }> {
    if (this.exited) {
      return Promise.reject(new VddkWorkerExitedError(op, this.exited.code, this.exited.signal, [...this.lastLog]));
    }
    const id = this.nextId++;
    const request: WorkerRequest = { id, op, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { op, args, payloadBytes: payload?.length, sent: performance.now(), resolve, reject });
      // The payload must stay unchanged until the call settles (writes are queued, not copied).
      writeFrame(this.channel, request, payload);
    });
  }

  /** Ends the worker: closes its channel, then kills it if it has not gone within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.channel.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  private onData(chunk: Buffer): void {
    let frames;
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.lastLog.push(`protocol error: ${(err as Error).message}`);
      this.child.kill('SIGKILL');
      return;
    }
    for (const { header, payload } of frames) {
      const p = this.pending.get(header.id);
      if (!p) continue;
      this.pending.delete(header.id);
      this.account(p, header.ms ?? performance.now() - p.sent, header.ok ? 'ok' : header.error.message);
      if (header.ok) p.resolve({ value: header.value, payload });
      else {
        const e = header.error;
        if (e.vixRaw !== undefined) p.reject(new VddkError(e.operation, BigInt(e.vixRaw), e.vixMessage ?? ''));
        else p.reject(new VddkCallError(e.operation, e.message));
      }
    }
  }

  private account(p: Pending, ms: number, result: string): void {
    this.stats.record(p.op, ms, result === 'ok');
    const fn = VddkCallStats.functionName(p.op);
    if (fn && this.trace) this.trace({ fn, args: describeVddkArgs(p.args, p.payloadBytes), durationMs: ms, result });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    if (this.exited) return;
    if (err) this.lastLog.push(`could not start the VDDK worker: ${err.message}`);
    this.exited = { code, signal };
    for (const [, p] of this.pending) {
      this.account(p, performance.now() - p.sent, 'the worker process ended');
      p.reject(new VddkWorkerExitedError(p.op, code, signal, [...this.lastLog]));
    }
    this.pending.clear();
    for (const w of this.exitWaiters.splice(0)) w();
  }
}
