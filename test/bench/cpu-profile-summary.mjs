// Summarises a V8 .cpuprofile (from `node --cpu-prof`) for the bench notes: the share of samples that were
// idle, garbage collection, and the functions with the most self time.
import { readFileSync } from 'node:fs';

/**
 * { totalMs, idle, gc, top: [{ fn, share }], inclusive: { name: share } } of one profile file; shares are 0…1 of
 * the samples. `inclusive` names functions whose total time (on the stack, callees included) is wanted.
 */
export function summariseCpuProfile(file, topN = 8, inclusive = []) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of p.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = p.samples.length || 1;
  const self = new Map();
  for (const [id, count] of counts) {
    const cf = byId.get(id).callFrame;
    const url = cf.url ? cf.url.replace(/^.*\//, '') : '';
    const key = `${cf.functionName || '(anonymous)'}${url ? ` ${url}:${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + count);
  }
  const share = (name) => [...self].filter(([k]) => k.startsWith(name)).reduce((s, [, c]) => s + c, 0) / total;
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([fn, c]) => ({ fn, share: c / total }));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const onStack = Object.fromEntries(inclusive.map((name) => [name, 0]));
  for (const [id, count] of counts) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) seen.add(byId.get(at).callFrame.functionName);
    for (const name of inclusive) if (seen.has(name)) onStack[name] += count / total;
  }
  // Which scripts ran in it, to tell one process of a run from another (the CLI from the VDDK worker).
  const scripts = [...new Set(p.nodes.map((n) => n.callFrame.url.replace(/^.*\//, '')).filter((u) => /\.(c?js|mjs)$/.test(u)))];
  return {
    totalMs: (p.endTime - p.startTime) / 1000,
    idle: share('(idle)'),
    gc: share('(garbage collector)'),
    top,
    scripts,
    inclusive: onStack,
  };
}

/** One line: "12.3 s, idle 40 %, GC 10 %: fnA 12 %, fnB 8 %, …". */
export function formatCpuProfile(s, topN = 6) {
  const pct = (x) => `${(100 * x).toFixed(0)} %`;
  const busy = s.top.filter((t) => !t.fn.startsWith('(idle)') && !t.fn.startsWith('(garbage collector)')).slice(0, topN);
  const incl = Object.entries(s.inclusive ?? {}).map(([name, x]) => `${name} ${pct(x)}`);
  return `${(s.totalMs / 1000).toFixed(1)} s, idle ${pct(s.idle)}, GC ${pct(s.gc)}: ${busy.map((t) => `${t.fn} ${pct(t.share)}`).join(', ')}${incl.length > 0 ? `; on the stack (callees included): ${incl.join(', ')}` : ''}`;
}
