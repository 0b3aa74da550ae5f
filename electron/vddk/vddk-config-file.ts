import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** NFC-TIMEOUTS: the values every VDDK session starts from (milliseconds). */
export const NFC_TIMEOUT_DEFAULTS: Readonly<Record<string, number>> = {
  'vixDiskLib.nfc.AcceptTimeoutMs': 180_000,
  'vixDiskLib.nfc.RequestTimeoutMs': 180_000,
  'vixDiskLib.nfc.ReadTimeoutMs': 60_000,
  'vixDiskLib.nfc.WriteTimeoutMs': 600_000,
  'vixDiskLib.nfcFssrvr.TimeoutMs': 0,
  'vixDiskLib.nfcFssrvrWrite.TimeoutMs': 0,
};

export interface VddkConfigOptions {
  /** VDDK's scratch folder for this session (set explicitly: the default can move between jobs). */
  tmpDirectory: string;
  /** Replaces any of the NFC timeouts (user settings). */
  nfcTimeouts?: Partial<Record<string, number>>;
  /** Further keys (log levels, SAN allow lists, the lab VDDK's `labvddk.*` keys). */
  extra?: Record<string, string | number | boolean>;
  /** Ready-made `key = value` lines to append, e.g. the running lab's labvddk.conf. */
  appendText?: string;
}

function quote(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(typeof value === 'boolean' ? Number(value) : value);
  if (/[\r\n"]/.test(value)) throw new RangeError(`VDDK config values cannot contain quotes or newlines: ${value}`);
  return `"${value}"`;
}

function checkKey(key: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new RangeError(`not a VDDK config key: ${key}`);
  return key;
}

/** `key = value` lines (values quoted) for config keys, e.g. the lab VDDK's labvddk.* keys. */
export function renderConfigLines(keys: Record<string, string | number | boolean>): string[] {
  return Object.entries(keys).map(([key, value]) => `${checkKey(key)} = ${quote(value)}`);
}

/** The text of a VDDK config file: `key = value` lines. */
export function renderVddkConfig(options: VddkConfigOptions): string {
  const lines = ['# Written by Lifeboat for one VDDK session', `tmpDirectory = ${quote(options.tmpDirectory)}`];
  for (const [key, fallback] of Object.entries(NFC_TIMEOUT_DEFAULTS)) {
    const value = options.nfcTimeouts?.[key] ?? fallback;
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${key} must be a whole number of ms, not ${value}`);
    lines.push(`${key} = ${value}`);
  }
  lines.push(...renderConfigLines(options.extra ?? {}));
  for (const line of (options.appendText ?? '').split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    if (!/^[A-Za-z0-9_.-]+\s*=/.test(trimmed)) throw new RangeError(`not a VDDK config line: ${trimmed}`);
    lines.push(trimmed);
  }
  return lines.join('\n') + '\n';
}

/** Writes `vddk.conf` into the session folder (owner-only) and returns its path. */
export function writeVddkConfigFile(sessionDir: string, options: VddkConfigOptions): string {
  const path = join(sessionDir, 'vddk.conf');
  writeFileSync(path, renderVddkConfig(options), { mode: 0o600 });
  return path;
}
