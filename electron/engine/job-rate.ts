/** Average rate and time left of a job from its start, for jobs whose code reports only bytes done. */
export function rateOf(startedMs: number, done: number, total: number): { bytesPerSecond: number; etaSeconds: number | null } {
  const seconds = (Date.now() - startedMs) / 1000;
  const bytesPerSecond = seconds > 0 ? Math.round(done / seconds) : 0;
  return { bytesPerSecond, etaSeconds: bytesPerSecond > 0 ? Math.round((total - done) / bytesPerSecond) : null };
}
