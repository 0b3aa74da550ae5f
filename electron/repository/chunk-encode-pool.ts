import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sealChunkChecked } from './chunk-seal';
import { assemblePack, type BlobEntry } from './pack-assembly';
import { RepositoryCorruptError } from './repository-errors';
import { movable } from './chunk-decode-job';
import type { EncodeReply, EncodeRequest, EncodeWorkerData } from './chunk-encode-job';
import { WorkerSlots, type WorkerSlot } from './worker-slots';

export interface ChunkEncodePoolOptions {
  /** Worker threads (default defaultEncodeWorkers()); 0 seals on the calling thread. */
  workers?: number;
  /** The worker's script; default chunk-encode-worker.js beside this module, null (or missing file) seals in-thread. */
  workerScript?: string | null;
}

/** A finished pack: its name (SHA-256 of `data`), bytes and blob list. */
export interface BuiltPack {
  packId: string;
  data: Buffer;
  entries: BlobEntry[];
}

interface Job {
  /** What the job is, for error messages: "chunk 0123…" or "a pack of 12 chunks". */
  what: string;
  resolve: (reply: EncodeReply) => void;
  reject: (err: unknown) => void;
  /** Runs the job on this thread when the worker could not load (seal jobs; a pack's blobs moved away). */
  here?: () => EncodeReply;
}

/**
 * One encode worker by default: compression and sealing of new chunks are
 * most of an import's CPU, so on 2 cores the worker takes them while the main
 * thread reads, hashes chunk ids and writes packs (test/bench README, "Import
 * pipeline": A/B of the import step).
 */
export function defaultEncodeWorkers(): number {
  return 1;
}

/** The default worker script: the compiled sibling file (absent when running from TypeScript sources). */
function defaultWorkerScript(): string | null {
  const script = join(__dirname, 'chunk-encode-worker.js');
  return existsSync(script) ? script : null;
}

/**
 * Compresses, encrypts and checks new chunks (sealChunkChecked), and builds
 * packs from them, in worker threads, so a backup or import uses a second
 * core and its event loop stays free. The plain chunk is copied into the worker (callers hand in slices of
 * larger reads), the sealed blob moves back. The caller bounds how many
 * chunks are in flight (PackWriter). Without a loadable worker script (or with
 * `workers: 0`) the same work runs on the calling thread.
 */
export class ChunkEncodePool {
  private readonly workers: WorkerSlots<EncodeRequest, EncodeReply, Job>;

  constructor(
    private readonly encryptionKey: Buffer,
    options: ChunkEncodePoolOptions = {},
  ) {
    this.workers = new WorkerSlots({
      kind: 'encode',
      count: Math.max(0, options.workers ?? defaultEncodeWorkers()),
      script: options.workerScript === undefined ? defaultWorkerScript() : options.workerScript,
      workerData: (): EncodeWorkerData => ({ encryptionKey: new Uint8Array(this.encryptionKey) }),
      settle: (job, reply) => {
        if (!('error' in reply)) job.resolve(reply);
        else if (reply.error.objectName !== undefined && reply.error.problem !== undefined)
          job.reject(new RepositoryCorruptError(reply.error.objectName, reply.error.problem));
        else job.reject(new Error(`${job.what} could not be sealed: ${reply.error.message}`));
      },
      // Seal jobs kept their bytes (see seal); a pack's blobs moved into the worker that failed.
      redoHere: (job, err) => {
        try {
          if (!job.here) throw new Error(`${job.what} was not sealed: the encode worker did not start (${err.message})`);
          job.resolve(job.here());
        } catch (e) {
          job.reject(e);
        }
      },
      fail: (job, err) => job.reject(new Error(`${job.what} was not sealed: ${err.message}`)),
    });
  }

  /** True when chunks are sealed in worker threads (false: on the calling thread). */
  get usesWorkers(): boolean {
    return this.workers.usesWorkers;
  }

  /** Seals one new chunk; rejects with RepositoryCorruptError when its check after encryption fails. */
  async seal(id: string, plain: Buffer): Promise<Buffer> {
    const slot = this.workers.pick();
    if (!slot) return this.sealHere(id, plain);
    // A copy of its own to move (not pooled, not zero-filled): the caller's buffer is often a view of a larger read still in use.
    const copy = Buffer.allocUnsafeSlow(plain.length);
    plain.copy(copy);
    // Until the worker has answered once it may not have loaded: send it a clone and keep `copy` to seal here then.
    const reply = await this.post(
      slot,
      { kind: 'seal', seq: 0, id, plain: copy.buffer },
      slot.answered ? [copy.buffer] : [],
      `chunk ${id.slice(0, 16)}`,
      () => ({ seq: 0, sealed: movable(this.sealHere(id, copy)) }),
    );
    if (!('sealed' in reply)) throw new Error('the encode worker answered a seal with something else');
    return Buffer.from(reply.sealed.buffer, reply.sealed.offset, reply.sealed.length);
  }

  /**
   * Builds a pack from sealed blobs (concatenation, sealed header, SHA-256
   * name) in a worker when there is one. The blobs' bytes MOVE to the worker:
   * the caller must not read them until this settles (use the returned data).
   */
  async assemble(blobs: ReadonlyArray<{ id: string; sealed: Buffer; rawLength: number }>): Promise<BuiltPack> {
    const slot = this.workers.pick();
    if (!slot) return assemblePack({ encryption: this.encryptionKey }, blobs);
    const moving = blobs.map((b) => ({ id: b.id, rawLength: b.rawLength, sealed: movable(b.sealed) }));
    const transfer = [...new Set(moving.map((b) => b.sealed.buffer))];
    const reply = await this.post(slot, { kind: 'pack', seq: 0, blobs: moving }, transfer, `a pack of ${blobs.length} chunks`);
    if (!('pack' in reply)) throw new Error('the encode worker answered a pack with something else');
    const { packId, data, entries } = reply.pack;
    return { packId, data: Buffer.from(data.buffer, data.offset, data.length), entries };
  }

  private post(
    slot: WorkerSlot,
    request: EncodeRequest,
    transfer: ArrayBuffer[],
    what: string,
    here?: () => EncodeReply,
  ): Promise<EncodeReply> {
    return new Promise<EncodeReply>((resolve, reject) => this.workers.send(slot, request, transfer, { what, resolve, reject, here }));
  }

  /** Stops the workers; chunks still being sealed fail. */
  async close(): Promise<void> {
    await this.workers.close('the chunk encoder was closed');
  }

  /** Seals on the calling thread (what seal() does without workers), at once. */
  sealHere(id: string, plain: Buffer): Buffer {
    return sealChunkChecked({ encryption: this.encryptionKey }, id, plain);
  }
}
