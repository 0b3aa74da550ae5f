import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressHeartbeat } from '../../../electron/restore-points/progress-heartbeat';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ProgressHeartbeat', () => {
  it('says the last progress again at most the interval after it, wherever in the interval it came', async () => {
    const said: number[] = [];
    const beat = new ProgressHeartbeat((done: number) => said.push(done), 200);
    beat.report(1);
    // A report that lands just after a would-be poll must not wait a poll and a half.
    await vi.advanceTimersByTimeAsync(130);
    beat.report(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(said).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(1);
    expect(said).toEqual([1, 2, 2]);
    // While nothing moves it keeps saying it, every interval.
    await vi.advanceTimersByTimeAsync(400);
    expect(said).toEqual([1, 2, 2, 2, 2]);
    beat.stop();
  });

  it('adds nothing while reports come often enough, and nothing after stop', async () => {
    const said: number[] = [];
    const beat = new ProgressHeartbeat((done: number) => said.push(done), 200);
    for (let i = 1; i <= 10; i++) {
      beat.report(i);
      await vi.advanceTimersByTimeAsync(150);
    }
    expect(said).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    beat.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(said).toHaveLength(10);
  });
});
