import { describe, expect, it } from 'vitest';
// @ts-expect-error the bench is plain JavaScript (an .mjs module without types)
import { median, pairRatio } from '../../bench/bench-stats.mjs';

describe("the benches' statistics (test/bench/bench-stats.mjs)", () => {
  it('takes the middle value of an odd count and the upper middle of an even one, leaving the runs in order', () => {
    const runs = [3, 1, 2];
    expect(median(runs)).toBe(2);
    expect(runs).toEqual([3, 1, 2]);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([10, 9, 100])).toBe(10);
  });

  it("pairs each run's two sides before the median, so a slow run on both sides does not skew the ratio", () => {
    // Run 2 met a busy machine: both sides slow. Its own ratio is still 0.5; a ratio of medians would say 0.8.
    const lifeboat = [1, 4, 1.1];
    const peer = [2, 8, 2.2];
    expect(pairRatio(lifeboat, peer)).toBe(0.5);
    expect(pairRatio([1, 3, 2], [1, 1, 1])).toBe(2);
  });

  it('refuses sides with different numbers of runs (a ratio of runs that do not pair up)', () => {
    expect(() => pairRatio([1, 2, 3], [1, 2])).toThrow(/3 runs against 2/);
  });
});
