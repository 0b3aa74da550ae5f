import type { PointSummary } from '../repository/repository';
import { parsePointSelector } from './point-selector';

export type PointChoice = { ok: true; point: PointSummary } | { ok: false; message: string };

const byTime = (a: PointSummary, b: PointSummary) => Date.parse(a.createdAt) - Date.parse(b.createdAt);

/**
 * The restore point of one VM of the plan, from the repository's points:
 * `latest`, `latest before <time>`, or an id / unique prefix that must be a
 * point of that VM. A refusal says what the repository has instead.
 */
export function choosePoint(vm: string, selector: string, points: readonly PointSummary[]): PointChoice {
  const own = points.filter((p) => p.vm === vm).sort(byTime);
  const sel = parsePointSelector(selector);
  if (sel.kind === 'id') {
    const matches = points.filter((p) => p.id.toLowerCase().startsWith(sel.id));
    if (matches.length === 0) return { ok: false, message: `the repository has no restore point "${selector}"; list them with \`lifeboat repo list\`${own.length ? `, or write point: latest (the newest of ${vm} is ${own[own.length - 1]!.id.slice(0, 12)})` : ''}` };
    if (matches.length > 1) return { ok: false, message: `"${selector}" matches ${matches.length} restore points; give more characters of the id` };
    const point = matches[0]!;
    if (point.vm !== vm) return { ok: false, message: `restore point ${point.id.slice(0, 12)} is of VM "${point.vm}", not "${vm}"; give a point of ${vm} (or point: latest)` };
    return { ok: true, point };
  }
  if (own.length === 0) {
    const vms = [...new Set(points.map((p) => p.vm))].sort();
    return {
      ok: false,
      message: `the repository has no restore point of VM "${vm}"; it has points of ${vms.length ? vms.map((v) => `"${v}"`).join(', ') : 'no VM at all'} (names are case-sensitive)`,
    };
  }
  if (sel.kind === 'latest') return { ok: true, point: own[own.length - 1]! };
  if (sel.kind === 'latest-before') {
    const before = own.filter((p) => Date.parse(p.createdAt) < sel.before.getTime());
    if (before.length === 0) {
      return { ok: false, message: `VM "${vm}" has no restore point before ${sel.before.toISOString()}; its oldest is from ${own[0]!.createdAt}: give a later time, or point: latest` };
    }
    return { ok: true, point: before[before.length - 1]! };
  }
  return { ok: false, message: `"${selector}" is not a point selector; write latest, "latest before <ISO time>" or a restore point id` };
}
