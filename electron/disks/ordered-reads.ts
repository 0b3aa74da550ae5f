/** One step of a sequential copy: `read` is false for steps that need no data (holes). */
export interface OrderedStep {
  offset: number;
  length: number;
  read: boolean;
}

/**
 * Yields each step with its data, in order, while up to `ahead` later reads
 * (of steps that read) are already running: the source reads the next pieces while the caller
 * stores this one (an import or backup then uses the disk and the CPU at
 * once). Memory stays bounded to `ahead` + 1 pieces. When the caller stops
 * (error, cancel, `break`), reads still running are left to finish and their
 * results dropped; their failures are not reported twice.
 */
export async function* readInOrder<S extends OrderedStep>(
  steps: readonly S[],
  read: (offset: number, length: number) => Promise<Buffer>,
  ahead: number,
  /** Runs before each step, before more reads start: throw here to stop (a cancel reads nothing more). */
  checkpoint: () => void = () => undefined,
): AsyncGenerator<[S, Buffer | null]> {
  const running = new Map<number, Promise<Buffer>>();
  let issued = 0;
  for (let i = 0; i < steps.length; i++) {
    checkpoint();
    // Step i's read, then up to `ahead` reads beyond it (steps without data do not count: a thin disk's
    // holes between small extents must not shorten the read-ahead).
    const readsAhead = (): number => running.size - (running.has(i) ? 1 : 0);
    for (; issued < steps.length && (issued <= i || readsAhead() < ahead); issued++) {
      const step = steps[issued]!;
      if (!step.read) continue;
      const p = read(step.offset, step.length);
      // Awaited in order below; one that fails after the caller stopped must not be an unhandled rejection.
      p.catch(() => undefined);
      running.set(issued, p);
    }
    const step = steps[i]!;
    if (!step.read) {
      yield [step, null];
      continue;
    }
    const data = await running.get(i)!;
    running.delete(i);
    yield [step, data];
  }
}
