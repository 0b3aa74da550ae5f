import type { ReactElement } from 'react';
import { formatBytes } from '../app/byte-size';

/** Throughput over the job's life as a small line (the numbers are in the text beside it; the line is decoration for sighted users). */
export function RateSparkline({ rates }: { rates: number[] }): ReactElement | null {
  if (rates.length < 2) return null;
  const max = Math.max(...rates, 1);
  const w = 160;
  const h = 32;
  const points = rates.map((r, i) => `${((i / (rates.length - 1)) * w).toFixed(1)},${(h - (r / max) * (h - 2) - 1).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Throughput, peak ${formatBytes(max)}/s`} data-testid="rate-sparkline">
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
