/** A field's path in the plan file, as a user reads it: `groups[1].vms[0].point`. */
export type PlanPath = ReadonlyArray<string | number>;

export function formatPlanPath(path: PlanPath): string {
  if (path.length === 0) return '(file)';
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}
