import type { ReactElement } from 'react';
import { formatBytes } from '../app/byte-size';

/** A disk as a bar: the part with data against the whole capacity (a visible track, text for screen readers). */
export function DiskBar({ label, used, capacity }: { label: string; used: number; capacity: number }): ReactElement {
  const percent = capacity > 0 ? Math.min(100, Math.round((used / capacity) * 100)) : 0;
  return (
    <div className="disk-bar" role="img" aria-label={`${label}: ${formatBytes(used)} allocated of ${formatBytes(capacity)}`}>
      <div className="disk-bar-fill" style={{ width: `${percent}%` }} />
      <span className="disk-bar-text" aria-hidden="true">
        {formatBytes(used)} of {formatBytes(capacity)}
      </span>
    </div>
  );
}
