/** Tick steps a time axis may use, in seconds: round numbers people read at a glance. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** About `count` ticks from 0 to `spanSeconds`, on a round step. */
export function axisTicks(spanSeconds: number, count = 6): number[] {
  const step = STEPS.find((s) => spanSeconds / s <= count) ?? Math.ceil(spanSeconds / count / 3600) * 3600;
  const ticks: number[] = [];
  for (let t = 0; t <= spanSeconds + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** A tick's label: "0", "30 s", "2 min", "1 h 30". */
export function tickLabel(seconds: number): string {
  if (seconds === 0) return '0';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return seconds % 60 === 0 ? `${seconds / 60} min` : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  const m = Math.round((seconds % 3600) / 60);
  return m === 0 ? `${Math.floor(seconds / 3600)} h` : `${Math.floor(seconds / 3600)} h ${String(m).padStart(2, '0')}`;
}
