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

export { formatBytes } from '../../units/byte-units';
