import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openAuthenticatedChunk } from './chunk-open';
import { RepositoryCorruptError } from './repository-errors';
import { movable, type DecodeReply, type DecodeRequest, type DecodeWorkerData } from './chunk-decode-job';
import { abortReason } from '../errors/abort-reason';
import { WorkerSlots } from './worker-slots';

/** One chunk to decode: `read` fetches its stored (sealed) bytes once the pool has room for them. */
export interface DecodeTask {
  id: string;
  /** The object the chunk is read from, for error messages. */
  where: string;
  rawLength: number;
  read: () => Promise<Buffer>;
  /** Called once the stored bytes are no longer needed, when they were decoded on this thread (not when they moved to a worker). */
  release?: () => void;
}

export interface ChunkDecodePoolOptions {
  /** Worker threads (default DEFAULT_DECODE_WORKERS); 0 decodes on the calling thread. */
  workers?: number;
  /** Chunks held at once, from their read to their result (bounds memory to ~2 chunk sizes each). */
  maxInFlight?: number;
  /** The worker's script; default chunk-decode-worker.js beside this module, null (or missing file) decodes in-thread. */
  workerScript?: string | null;
  /** Workers stop after this long with nothing to do. */
  idleMs?: number;
}

interface Pending {
  task: DecodeTask;
  resolve: (plain: Buffer) => void;
  reject: (err: unknown) => void;
}

const DEFAULT_IDLE_MS = 10_000;

/**
 * No decode worker by default: decoding on the calling thread was faster in
 * every measurement (test/bench README, restore-ratios bench, 2 cores): with
 * one worker a restore took 1.2× (idle machine) to 2.75× the time — decoding
 * is ~10 % of a restore's CPU now that chunks are not hashed again, and
 * handing each chunk to a worker and back costs more than it saves. The pool
 * stays for callers that must keep the event loop free (`decodeWorkers`), and
 * the bench keeps measuring it.
 */
export function defaultDecodeWorkers(): number {
  return 0;
}

/** The default worker script: the compiled sibling file (absent when running from TypeScript sources). */
function defaultWorkerScript(): string | null {
  const script = join(__dirname, 'chunk-decode-worker.js');
  return existsSync(script) ? script : null;
}

/** A cancelled chunk read. */
const cancelled = (signal: AbortSignal): Error => abortReason(signal, 'cancelled');

/**
 * Decrypts and decompresses chunks in a few worker threads, so a restore
 * uses every core while the main thread reads packs and writes the target.
 * Stored bytes move into a worker and plain bytes move back (transferred,
 * not copied). At most `maxInFlight` chunks are held at once: a caller waits
 * for room before its chunk is even read, which bounds memory however many
 * disks restore in parallel. Without a loadable worker script (or with
 * `workers: 0`) the same work runs on the calling thread.
 */
export class ChunkDecodePool {
  private readonly workers: WorkerSlots<DecodeRequest, DecodeReply, Pending>;
  private readonly roomWaiters: Array<() => void> = [];
  private readonly maxInFlight: number;
  private readonly idleMs: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private held = 0;
  /** Most chunks held at once so far (tests check the bound). */
  peakHeld = 0;

  constructor(
    private readonly encryptionKey: Buffer,
    options: ChunkDecodePoolOptions = {},
  ) {
    const workerCount = Math.max(0, options.workers ?? defaultDecodeWorkers());
    this.maxInFlight = Math.max(1, options.maxInFlight ?? Math.max(4, workerCount * 4));
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.workers = new WorkerSlots({
      kind: 'decode',
      count: workerCount,
      script: options.workerScript === undefined ? defaultWorkerScript() : options.workerScript,
      workerData: (): DecodeWorkerData => ({ encryptionKey: new Uint8Array(this.encryptionKey) }),
      settle: (job, reply) => this.settle(job, reply),
      // The stored bytes moved into the worker that failed: read them again.
      redoHere: (job) =>
        job.task
          .read()
          .then((stored) => this.decodeHere(job.task, stored))
          .then(job.resolve, job.reject),
      fail: (job, err) => job.reject(new Error(`chunk ${job.task.id.slice(0, 16)} in ${job.task.where} was not decoded: ${err.message}`)),
    });
  }

  /** True when chunks are decoded in worker threads (false: on the calling thread). */
  get usesWorkers(): boolean {
    return this.workers.usesWorkers;
  }

  /** Reads and decodes one chunk; rejects with the chunk's error, or the signal's reason once it aborts. */
  async decode(task: DecodeTask, signal?: AbortSignal): Promise<Buffer> {
    if (signal?.aborted) throw cancelled(signal);
    await this.takeRoom(signal);
    const work = (async () => {
      try {
        const stored = await task.read();
        if (signal?.aborted) throw cancelled(signal);
        return await this.run(task, stored);
      } finally {
        this.giveRoom();
      }
    })();
    if (!signal) return work;
    // A cancelled caller stops waiting now; the chunk's room is given back when its worker answers.
    return new Promise<Buffer>((resolve, reject) => {
      const onAbort = () => reject(cancelled(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Stops the workers; chunks still decoding fail. */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    await this.workers.close('the chunk decoder was closed');
  }

  private async takeRoom(signal?: AbortSignal): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    while (this.held >= this.maxInFlight) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const at = this.roomWaiters.indexOf(wake);
          if (at >= 0) this.roomWaiters.splice(at, 1);
          reject(cancelled(signal!));
        };
        this.roomWaiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.held++;
    this.peakHeld = Math.max(this.peakHeld, this.held);
  }

  private giveRoom(): void {
    this.held--;
    this.roomWaiters.shift()?.();
    if (this.held === 0 && this.workers.running > 0) {
      this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private run(task: DecodeTask, stored: Buffer): Promise<Buffer> {
    const slot = this.workers.pick();
    if (!slot) {
      try {
        return Promise.resolve(this.decodeHere(task, stored));
      } finally {
        task.release?.();
      }
    }
    const body = movable(stored);
    const request: DecodeRequest = {
      seq: 0,
      id: task.id,
      where: task.where,
      rawLength: task.rawLength,
      stored: body.buffer,
      storedOffset: body.offset,
      storedLength: body.length,
    };
    return new Promise<Buffer>((resolve, reject) => this.workers.send(slot, request, [body.buffer], { task, resolve, reject }));
  }

  private decodeHere(task: DecodeTask, stored: Buffer): Buffer {
    return openAuthenticatedChunk({ encryption: this.encryptionKey }, task.id, stored, task.where, task.rawLength);
  }

  private settle(job: Pending, reply: DecodeReply): void {
    if ('plain' in reply) job.resolve(Buffer.from(reply.plain, reply.plainOffset, reply.plainLength));
    else if (reply.error.objectName !== undefined && reply.error.problem !== undefined)
      job.reject(new RepositoryCorruptError(reply.error.objectName, reply.error.problem));
    else
      job.reject(
        new Error(`chunk ${job.task.id.slice(0, 16)} in ${job.task.where} could not be decoded: ${reply.error.message}`),
      );
  }
}
