import type { WorkerOperation } from './worker-messages';

/** The VixDiskLib function behind each worker operation (what a support engineer looks up). */
const VDDK_FUNCTION: Partial<Record<WorkerOperation, string>> = {
  init: 'InitEx',
  listTransportModes: 'ListTransportModes',
  connect: 'ConnectEx',
  disconnect: 'Disconnect',
  prepareForAccess: 'PrepareForAccess',
  endAccess: 'EndAccess',
  cleanup: 'Cleanup',
  open: 'Open',
  close: 'Close',
  info: 'GetInfo',
  read: 'Read',
  write: 'Write',
  flush: 'Flush',
  queryAllocatedBlocks: 'QueryAllocatedBlocks',
  create: 'Create',
  exit: 'Exit',
};

/** Per VDDK function: how often it was called, how often it failed, the time spent in it. */
export interface VddkCallCount {
  calls: number;
  errors: number;
  totalMs: number;
}
export type VddkCallSummary = Record<string, VddkCallCount>;

/** One traced call (debug level): never a secret in `args`. */
export interface VddkCallTrace {
  fn: string;
  args: string;
  durationMs: number;
  result: string;
}

const SECRET_KEYS = new Set(['password', 'cookie', 'key']);

/** The arguments of a call as text, with passwords, cookies and keys replaced and data as a length. */
export function describeVddkArgs(args: unknown[], payloadBytes?: number): string {
  const parts = args.map((a) => {
    if (a && typeof a === 'object' && !Array.isArray(a)) {
      const shown = Object.entries(a as Record<string, unknown>)
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => `${k}=${SECRET_KEYS.has(k) ? '***' : JSON.stringify(v)}`);
      return `{${shown.join(' ')}}`;
    }
    return JSON.stringify(a);
  });
  if (payloadBytes !== undefined) parts.push(`<${payloadBytes} bytes>`);
  return parts.join(', ');
}

/**
 * Counts and times every VDDK call of a session, as nbdkit's VDDK stats do, for
 * the job report. Durations are measured in the worker around the addon call
 * (waiting behind earlier calls on the same disk thread included).
 */
export class VddkCallStats {
  private readonly byFunction = new Map<string, VddkCallCount>();

  static functionName(op: WorkerOperation): string | undefined {
    return VDDK_FUNCTION[op];
  }

  record(op: WorkerOperation, durationMs: number, ok: boolean): void {
    const fn = VDDK_FUNCTION[op];
    if (!fn) return; // not a VDDK call (ping)
    const c = this.byFunction.get(fn) ?? { calls: 0, errors: 0, totalMs: 0 };
    c.calls++;
    if (!ok) c.errors++;
    c.totalMs += durationMs;
    this.byFunction.set(fn, c);
  }

  /** Sorted by function name; times rounded to 0.1 ms. */
  summary(): VddkCallSummary {
    const out: VddkCallSummary = {};
    for (const fn of [...this.byFunction.keys()].sort()) {
      const c = this.byFunction.get(fn)!;
      out[fn] = { calls: c.calls, errors: c.errors, totalMs: Math.round(c.totalMs * 10) / 10 };
    }
    return out;
  }
}

/** Adds session summaries together (a job may use more than one VDDK session). */
export function mergeVddkCallSummaries(...summaries: VddkCallSummary[]): VddkCallSummary {
  const out: VddkCallSummary = {};
  for (const s of summaries) {
    for (const [fn, c] of Object.entries(s)) {
      const o = (out[fn] ??= { calls: 0, errors: 0, totalMs: 0 });
      o.calls += c.calls;
      o.errors += c.errors;
      o.totalMs = Math.round((o.totalMs + c.totalMs) * 10) / 10;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Debug-level trace output: on when LIFEBOAT_DEBUG names "vddk" (or "*"). */
export function defaultVddkTrace(env: NodeJS.ProcessEnv = process.env): ((t: VddkCallTrace) => void) | undefined {
  const debug = env.LIFEBOAT_DEBUG ?? '';
  if (!/(^|,)\s*(vddk|\*)\s*(,|$)/.test(debug)) return undefined;
  return (t) => process.stderr.write(`[debug vddk] ${t.fn}(${t.args}) ${t.durationMs.toFixed(1)} ms: ${t.result}\n`);
}
