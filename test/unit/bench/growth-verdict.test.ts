import { describe, expect, it } from 'vitest';
// @ts-expect-error the bench is plain JavaScript (an .mjs module without types)
import { growsWorseThanLinearly } from '../../bench/growth-verdict.mjs';

const checkpoints = [1, 10, 25, 50];
const series = (f: (n: number) => number | null) => checkpoints.map((points) => ({ points, t: f(points) }));

describe("the repository growth bench's worse-than-linear verdict (test/bench/growth-verdict.mjs)", () => {
  it('does not flag linear growth, however steep', () => {
    expect(
      growsWorseThanLinearly(
        series((n) => 0.3 + 0.02 * n),
        't',
      ),
    ).toBe(false);
  });

  it('flags n² growth once its excess over the base passes 0.2 s (repo list listing points/ once per point)', () => {
    expect(
      growsWorseThanLinearly(
        series((n) => 0.3 + 0.0002 * n * n),
        't',
      ),
    ).toBe(true);
  });

  it("does not flag noise: a slow first checkpoint, or n² growth too small to tell from a run's jitter", () => {
    // A first checkpoint slower than the next (a cold cache) is not the base: the fastest earlier checkpoint is.
    expect(
      growsWorseThanLinearly(
        [
          { points: 1, t: 0.9 },
          { points: 10, t: 0.4 },
          { points: 25, t: 0.45 },
          { points: 50, t: 0.55 },
        ],
        't',
      ),
    ).toBe(false);
    expect(
      growsWorseThanLinearly(
        [
          { points: 1, t: 0.81 },
          { points: 10, t: 0.48 },
          { points: 25, t: 0.63 },
          { points: 50, t: 0.9 },
        ],
        't',
      ),
    ).toBe(false);
    expect(
      growsWorseThanLinearly(
        series((n) => 0.3 + 0.00005 * n * n),
        't',
      ),
    ).toBe(false);
  });

  it('says nothing for a peer that did not run or too few checkpoints', () => {
    expect(
      growsWorseThanLinearly(
        series(() => null),
        't',
      ),
    ).toBe(false);
    expect(
      growsWorseThanLinearly(
        [
          { points: 1, t: 0.3 },
          { points: 50, t: 3 },
        ],
        't',
      ),
    ).toBe(false);
  });
});
