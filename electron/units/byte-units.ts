/**
 * Sizes, rates and times as people read them. One convention everywhere: IEC
 * binary units (1 MiB = 1,048,576 bytes), so a plan, a progress line and a
 * report never disagree about what "MB" meant.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes as a short human size, deterministic: "512 B", "1.5 GiB", "120 GiB". */
export function formatBytes(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i === 0 ? String(v) : v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
  return `${text} ${UNITS[i]}`;
}

/** Bytes per second: "85.3 MiB/s"; "—" when not known yet. */
export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(Math.round(bytesPerSecond))}/s` : '—';
}

/** Seconds as "42 s", "3 min 05 s", "1 h 02 min"; "—" when not known. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** MiB per second, one decimal, for reports' numeric fields. */
export function mebibytesPerSecond(bytes: number, seconds: number): number {
  return seconds > 0 ? Math.round((bytes / 1048576 / seconds) * 10) / 10 : 0;
}
