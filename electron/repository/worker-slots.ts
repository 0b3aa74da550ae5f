import { Worker } from 'node:worker_threads';

/** One worker thread of a pool and the jobs it holds. */
export interface WorkerSlot {
  readonly worker: Worker;
  readonly outstanding: Set<number>;
  /** It has answered once: it loaded, so a later failure is a crash, not a missing script. */
  answered: boolean;
}

/** What a pool of worker threads does with its jobs' outcomes; the pool owns the messages and the work done here. */
export interface WorkerSlotsSpec<Reply extends { seq: number }, Job> {
  /** The work, for messages: "decode", "encode". */
  kind: string;
  /** Worker threads at most; 0 does every job on the calling thread. */
  count: number;
  /** The worker's script; null: there is none to load (jobs run on the calling thread). */
  script: string | null;
  /** The worker's start data (its key: memory only, never logged). */
  workerData: () => unknown;
  /** A worker answered a job. */
  settle: (job: Job, reply: Reply) => void;
  /** A worker that never answered failed (it could not load): the job is done on the calling thread instead. */
  redoHere: (job: Job, err: Error) => void;
  /** A worker that had loaded crashed, or the pool was closed: the job fails. */
  fail: (job: Job, err: Error) => void;
}

/**
 * The worker threads of the chunk decode and encode pools: started on
 * demand up to `count` (the least busy one takes a job), kept from holding
 * the process open while idle, and on failure either given up for good (a
 * worker that never loaded: every job runs on the calling thread from then
 * on) or failing the jobs it held (a crash).
 */
export class WorkerSlots<Request extends { seq: number }, Reply extends { seq: number }, Job> {
  private readonly slots: WorkerSlot[] = [];
  private readonly jobs = new Map<number, Job>();
  private script: string | null;
  private seq = 0;

  constructor(private readonly spec: WorkerSlotsSpec<Reply, Job>) {
    this.script = spec.script;
  }

  /** True when jobs go to worker threads (false: on the calling thread). */
  get usesWorkers(): boolean {
    return this.spec.count > 0 && this.script !== null;
  }

  /** Worker threads running now. */
  get running(): number {
    return this.slots.length;
  }

  /** The worker a new job goes to (the least busy, starting another while every one has work), or null: do it here. */
  pick(): WorkerSlot | null {
    if (!this.usesWorkers) return null;
    let best: WorkerSlot | undefined;
    for (const s of this.slots) if (!best || s.outstanding.size < best.outstanding.size) best = s;
    if ((!best || best.outstanding.size > 0) && this.slots.length < this.spec.count) {
      const started = this.start();
      if (started) return started;
    }
    return best ?? null;
  }

  /** Sends a job to `slot` (its `seq` is set here); the spec's settle, redoHere or fail sees it end. */
  send(slot: WorkerSlot, request: Request, transfer: ArrayBuffer[], job: Job): void {
    const seq = ++this.seq;
    request.seq = seq;
    this.jobs.set(seq, job);
    slot.outstanding.add(seq);
    // A worker with work keeps the process alive; an idle one must not.
    slot.worker.ref();
    slot.worker.postMessage(request, transfer);
  }

  /** Stops every worker; the jobs they hold fail with `reason`. */
  async close(reason: string): Promise<void> {
    const slots = this.slots.splice(0);
    for (const slot of slots) this.failJobs(slot, new Error(reason));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private start(): WorkerSlot | null {
    let worker: Worker;
    try {
      worker = new Worker(this.script!, { workerData: this.spec.workerData() });
    } catch {
      this.script = null;
      return null;
    }
    const slot: WorkerSlot = { worker, outstanding: new Set(), answered: false };
    worker.unref();
    worker.on('message', (reply: Reply) => this.answer(slot, reply));
    worker.on('error', (err) => this.lose(slot, err));
    worker.on('exit', (code) => this.lose(slot, new Error(`the ${this.spec.kind} worker exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }

  private answer(slot: WorkerSlot, reply: Reply): void {
    slot.answered = true;
    const job = this.jobs.get(reply.seq);
    this.jobs.delete(reply.seq);
    slot.outstanding.delete(reply.seq);
    if (slot.outstanding.size === 0) slot.worker.unref();
    if (job !== undefined) this.spec.settle(job, reply);
  }

  private lose(slot: WorkerSlot, err: Error): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    if (!slot.answered && slot.outstanding.size > 0) {
      // It never loaded (no worker support, script missing from a package): no worker from now on.
      this.script = null;
      for (const seq of slot.outstanding) {
        const job = this.jobs.get(seq)!;
        this.jobs.delete(seq);
        this.spec.redoHere(job, err);
      }
      slot.outstanding.clear();
      return;
    }
    this.failJobs(slot, err);
  }

  private failJobs(slot: WorkerSlot, err: Error): void {
    for (const seq of slot.outstanding) {
      const job = this.jobs.get(seq);
      this.jobs.delete(seq);
      if (job !== undefined) this.spec.fail(job, err);
    }
    slot.outstanding.clear();
  }
}
