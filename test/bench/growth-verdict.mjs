// Whether a command's time grows worse than linearly in the number of restore points (repository-growth-bench).

/**
 * `stages`: checkpoints in order, each `{ points, [key]: seconds | null }`. The base is the fastest checkpoint
 * before the middle one (a first run that met a cold cache would otherwise count as growth). Worse than linear
 * when what the command costs above the base grows, from the middle checkpoint to the last, by clearly more
 * than the points added: linear growth multiplies that excess by (last − base) / (middle − base) points; 25 %
 * slack, and at least 0.2 s of excess, as single runs on a shared machine vary by a tenth of a second.
 */
export function growsWorseThanLinearly(stages, key) {
  if (stages.length < 3 || stages.some((s) => s[key] === null || s[key] === undefined)) return false;
  // With four or more checkpoints the one after the middle (1, 10, 25, 50 → 25); with three, the middle one.
  const midIndex = Math.floor((stages.length - 1) / 2) + (stages.length > 3 ? 1 : 0);
  const base = stages.slice(0, midIndex).reduce((a, b) => (b[key] < a[key] ? b : a));
  const mid = stages[midIndex];
  const last = stages[stages.length - 1];
  const excessMid = mid[key] - base[key];
  const excessLast = last[key] - base[key];
  const linear = (last.points - base.points) / (mid.points - base.points);
  return excessLast > 0.2 && excessLast > 1.25 * linear * Math.max(excessMid, 0.05);
}
