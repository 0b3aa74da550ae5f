/**
 * Rate and time left for a long copy, per disk and overall. The rate is the
 * bytes moved over a sliding window (recent speed, not the average since the
 * start, which stalls after a slow beginning); the time left divides what
 * remains by it. Before data flows, `fallbackRate` (the plan's assumed rate)
 * gives the estimate.
 */
const WINDOW_MS = 5000;

interface Sample {
  at: number;
  bytes: number;
}

export class RateWindow {
  private samples: Sample[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Records the running total; a total that goes down (a new pass, e.g. verification) starts the window again. */
  add(totalBytes: number): void {
    const at = this.now();
    const last = this.samples[this.samples.length - 1];
    if (last && totalBytes < last.bytes) this.samples = [];
    this.samples.push({ at, bytes: totalBytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
  }

  /** Bytes per second over the window; 0 until two samples at least 200 ms apart. */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 200) return 0;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.at - first.at));
  }

  reset(): void {
    this.samples = [];
  }
}

/** Seconds left at `rate` bytes/s (or the fallback rate), null when neither is known. */
export function secondsLeft(remainingBytes: number, rate: number, fallbackRate = 0): number | null {
  const r = rate > 0 ? rate : fallbackRate;
  if (remainingBytes <= 0) return 0;
  return r > 0 ? Math.round(remainingBytes / r) : null;
}
