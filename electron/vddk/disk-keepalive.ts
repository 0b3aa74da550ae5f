/**
 * NFC-KEEPALIVE: while a disk handle sits idle, read sector 0 now and then so
 * the host does not close it at its NFC read timeout (60 s by NFC-TIMEOUTS).
 */
export const DEFAULT_KEEPALIVE_MS = 20_000;

/** The keepalive interval for a session: the default, or a third of a shorter NFC read timeout (0 = no timeout). */
export function keepaliveFor(readTimeoutMs: number | undefined): number {
  if (!readTimeoutMs || readTimeoutMs <= 0) return DEFAULT_KEEPALIVE_MS;
  return Math.min(DEFAULT_KEEPALIVE_MS, Math.floor(readTimeoutMs / 3));
}

export class DiskKeepalive {
  private lastActivity = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private held = 0;
  /** How many keepalive reads were made (reported in logs and tests). */
  count = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => Promise<void>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    // Checks at half the interval so an idle handle is pinged within 1.5x of it at worst.
    this.timer = setInterval(() => void this.tick(), Math.max(10, Math.floor(this.intervalMs / 2)));
    this.timer.unref();
  }

  /** Any real I/O counts as activity. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /**
   * Runs `work` with the keepalive held off (a call that holds the handle for long,
   * like QueryAllocatedBlocks, is activity too), then counts from its end.
   */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    this.held++;
    try {
      return await work();
    } finally {
      this.held--;
      this.touch();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.running || this.held > 0 || Date.now() - this.lastActivity < this.intervalMs) return;
    this.running = true;
    try {
      await this.ping();
      this.count++;
      this.touch();
    } catch (err) {
      this.onError(err);
    } finally {
      this.running = false;
    }
  }
}
