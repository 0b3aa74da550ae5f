/** Seconds as people read a duration: "45 s", "3 min 20 s", "1 h 05 min"; null: not known. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'unknown';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export const TRANSPORT_LABEL: Record<string, string> = { san: 'SAN', hotadd: 'HotAdd', nbdssl: 'NBDSSL', nbd: 'NBD' };

/** A VM's transports in short: "NBDSSL", or "NBDSSL ×2", or "SAN, NBDSSL"; "none" when no disk has one (blocked). */
export function transportsText(transports: Array<string | null>): string {
  const known = transports.filter((t): t is string => t !== null).map((t) => TRANSPORT_LABEL[t] ?? t);
  if (known.length === 0) return 'none';
  const distinct = [...new Set(known)];
  return distinct.length === 1 && known.length > 1 ? `${distinct[0]} ×${known.length}` : distinct.join(', ');
}
