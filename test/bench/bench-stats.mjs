// The statistics every bench reports: medians of runs, and ratios of runs measured moments apart.

/** The median of `xs` (the upper one of an even count), without reordering `xs`. */
export function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/**
 * The median of each run's own ratio a[i] / b[i]: both sides measured moments apart in one run, so load from
 * other work on a shared machine cancels out better than in a ratio of medians.
 */
export function pairRatio(a, b) {
  if (a.length !== b.length) throw new Error(`pairRatio: ${a.length} runs against ${b.length}; pairs need one of each per run`);
  return median(a.map((x, i) => x / b[i]));
}
