/** One step of a sequential copy: `read` is false for steps that need no data (holes). */
export interface OrderedStep {
  offset: number;
  length: number;
  read: boolean;
}

/**
 * Reads started ahead of the steps being consumed, in step order: taking
 * step i starts its read (if not started) and up to `ahead` reads of later
 * steps (steps that read nothing do not count: a thin disk's holes between
 * small extents must not shorten the read-ahead). Steps are taken once each,
 * in increasing order (by one consumer or by several taking turns). Memory
 * stays bounded to the steps taken and not yet done, plus `ahead`. A read
 * nobody takes (the consumer stopped) is left to finish; its failure is not
 * reported twice.
 */
export class ReadAhead<S extends OrderedStep> {
  private readonly running = new Map<number, Promise<Buffer>>();
  private issued = 0;

  constructor(
    private readonly steps: readonly S[],
    private readonly read: (offset: number, length: number) => Promise<Buffer>,
    private readonly ahead: number,
  ) {}

  /** Step i's data, or null for a step that reads nothing. */
  take(i: number): Promise<Buffer> | null {
    const readsAhead = (): number => this.running.size - (this.running.has(i) ? 1 : 0);
    for (; this.issued < this.steps.length && (this.issued <= i || readsAhead() < this.ahead); this.issued++) {
      const step = this.steps[this.issued]!;
      if (!step.read) continue;
      const p = this.read(step.offset, step.length);
      // Awaited when its step is taken; one that fails after the consumer stopped must not be an unhandled rejection.
      p.catch(() => undefined);
      this.running.set(this.issued, p);
    }
    const data = this.running.get(i) ?? null;
    this.running.delete(i);
    return data;
  }
}

/**
 * Yields each step with its data, in order, while up to `ahead` later reads
 * (of steps that read) are already running (ReadAhead): the source reads the next pieces while the caller
 * stores this one (an import or backup then uses the disk and the CPU at
 * once). Memory stays bounded to `ahead` + 1 pieces. When the caller stops
 * (error, cancel, `break`), reads still running are left to finish and their
 * results dropped.
 */
export async function* readInOrder<S extends OrderedStep>(
  steps: readonly S[],
  read: (offset: number, length: number) => Promise<Buffer>,
  ahead: number,
  /** Runs before each step, before more reads start: throw here to stop (a cancel reads nothing more). */
  checkpoint: () => void = () => undefined,
): AsyncGenerator<[S, Buffer | null]> {
  const reads = new ReadAhead(steps, read, ahead);
  for (let i = 0; i < steps.length; i++) {
    checkpoint();
    const data = reads.take(i);
    yield [steps[i]!, data === null ? null : await data];
  }
}
