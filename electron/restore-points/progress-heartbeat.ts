/** Longest time a running job (export, restore, backup) goes without a progress report: ≥ 5 Hz to a UI. */
export const PROGRESS_HEARTBEAT_MS = 200;

/**
 * Passes progress on, and says the last one again whenever `intervalMs` went
 * by without any, so a UI never looks stalled (extents scanned, a held read,
 * the file closed and renamed). The gap between two reports is at most
 * `intervalMs` (plus event-loop delay): one timer is armed for the moment the
 * last report turns stale, not polled, so no report waits for a poll.
 */
export class ProgressHeartbeat<A extends unknown[]> {
  private last: A | null = null;
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly onProgress: (...args: A) => void,
    private readonly intervalMs: number,
  ) {}

  readonly report = (...args: A): void => {
    this.last = args;
    this.lastAt = Date.now();
    this.onProgress(...args);
    if (!this.timer && !this.stopped) this.arm(this.intervalMs);
  };

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.beat(), ms);
    this.timer.unref();
  }

  private beat(): void {
    this.timer = null;
    if (this.stopped || !this.last) return;
    const stale = Date.now() - this.lastAt;
    // Reports kept coming: wait until the newest turns stale. Otherwise say it again (which re-arms).
    if (stale < this.intervalMs) this.arm(this.intervalMs - stale);
    else this.report(...this.last);
  }
}
