// Summarises a V8 .cpuprofile (from `node --cpu-prof`) for the bench notes: the share of samples that were
// idle, garbage collection, and the functions with the most self time.
import { readFileSync } from 'node:fs';

/** { totalMs, idle, gc, top: [{ fn, where, share }] } of one profile file; shares are 0…1 of the samples. */
export function summariseCpuProfile(file, topN = 8) {
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
  // Which scripts ran in it, to tell one process of a run from another (the CLI from the VDDK worker).
  const scripts = [...new Set(p.nodes.map((n) => n.callFrame.url.replace(/^.*\//, '')).filter((u) => /\.(c?js|mjs)$/.test(u)))];
  return { totalMs: (p.endTime - p.startTime) / 1000, idle: share('(idle)'), gc: share('(garbage collector)'), top, scripts };
}

/** One line: "12.3 s, idle 40 %, GC 10 %: fnA 12 %, fnB 8 %, …". */
export function formatCpuProfile(s, topN = 6) {
  const pct = (x) => `${(100 * x).toFixed(0)} %`;
  const busy = s.top.filter((t) => !t.fn.startsWith('(idle)') && !t.fn.startsWith('(garbage collector)')).slice(0, topN);
  return `${(s.totalMs / 1000).toFixed(1)} s, idle ${pct(s.idle)}, GC ${pct(s.gc)}: ${busy.map((t) => `${t.fn} ${pct(t.share)}`).join(', ')}`;
}
