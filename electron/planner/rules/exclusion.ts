import type { RuleId } from '../rule-catalogue';
import type { TransportName } from '../scenario-schema';

/**
 * A rule that rules out one transport. `vm` scope: the same for every disk (the
 * workstation, datastore or options decide); `disk` scope: about one disk.
 */
export interface Exclusion {
  rule: RuleId;
  transport: TransportName;
  message: string;
  remedy: string;
}

/** Human list: ["a","b","c"] → "a, b or c". */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** Bytes as a short human size (binary units), deterministic. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i === 0 ? String(v) : v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
  return `${text} ${units[i]}`;
}
