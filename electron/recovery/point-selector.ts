/** A VM's restore point selector in a plan file, read: the newest, the newest before a time, or an id (prefix). */
export type PointSelection =
  | { kind: 'latest' }
  | { kind: 'latest-before'; before: Date; text: string }
  | { kind: 'id'; id: string }
  | { kind: 'invalid-time'; text: string };

export function parsePointSelector(selector: string): PointSelection {
  const s = selector.trim();
  if (s === 'latest') return { kind: 'latest' };
  const before = /^latest before (.+)$/.exec(s);
  if (before) {
    const text = before[1]!.trim();
    // An ISO 8601 date or date-time: anything else (e.g. "yesterday") would be guessed, not read.
    const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? Date.parse(text) : Number.NaN;
    return Number.isNaN(ms) ? { kind: 'invalid-time', text } : { kind: 'latest-before', before: new Date(ms), text };
  }
  return { kind: 'id', id: s.toLowerCase() };
}
