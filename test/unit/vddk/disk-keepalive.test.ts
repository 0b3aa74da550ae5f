import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_KEEPALIVE_MS, DiskKeepalive, keepaliveFor } from '../../../electron/vddk/disk-keepalive';

describe('NFC-KEEPALIVE', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pings only after the disk has been idle for the interval', async () => {
    const ping = vi.fn(async () => {});
    const k = new DiskKeepalive(1000, ping);
    k.start();
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(200);
      k.touch(); // busy: real I/O every 200 ms
    }
    expect(ping).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1600);
    expect(ping).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(ping.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(k.count).toBe(ping.mock.calls.length);
    k.stop();
    const calls = ping.mock.calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(ping).toHaveBeenCalledTimes(calls);
  });

  it('reports a failed ping instead of throwing, and is off at interval 0', async () => {
    const errors: unknown[] = [];
    const k = new DiskKeepalive(
      100,
      async () => Promise.reject(new Error('lost')),
      (e) => errors.push(e),
    );
    k.start();
    await vi.advanceTimersByTimeAsync(200);
    expect(errors.length).toBeGreaterThan(0);
    k.stop();
    const off = vi.fn(async () => {});
    new DiskKeepalive(0, off).start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(off).not.toHaveBeenCalled();
  });

  it('holds off while a long call has the handle, and counts the interval from its end', async () => {
    const ping = vi.fn(async () => {});
    const k = new DiskKeepalive(100, ping);
    k.start();
    let finish!: () => void;
    const query = k.hold(() => new Promise<void>((r) => (finish = r)));
    await vi.advanceTimersByTimeAsync(1000);
    expect(ping).not.toHaveBeenCalled();
    finish();
    await query;
    await vi.advanceTimersByTimeAsync(60);
    expect(ping).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    expect(ping).toHaveBeenCalled();
    k.stop();
  });

  it('stays well inside the NFC read timeout', () => {
    expect(keepaliveFor(60_000)).toBe(DEFAULT_KEEPALIVE_MS);
    expect(DEFAULT_KEEPALIVE_MS).toBeLessThan(60_000 / 2);
    expect(keepaliveFor(30_000)).toBe(10_000);
    expect(keepaliveFor(0)).toBe(DEFAULT_KEEPALIVE_MS);
  });
});
