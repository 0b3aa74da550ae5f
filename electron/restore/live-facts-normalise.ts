/**
 * Facts from a server are clamped into the planner's contract, never a dead
 * end: a datastore reporting negative free space (seen with the simulator
 * after many thin disks), fractional byte counts, an allocation larger than
 * the disk, a version string the contract cannot hold. Each change is named
 * so the caller can show it; the planner then judges the clamped facts (a
 * negative free space becomes 0 and the space rules block as they should).
 */
export interface NormalisedFacts {
  scenario: Record<string, unknown>;
  adjustments: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function clampBytes(obj: Obj, key: string, where: string, notes: string[], max?: number): void {
  const raw = obj[key];
  if (raw === undefined || raw === null) return;
  let n = typeof raw === 'number' && Number.isFinite(raw) ? Math.floor(raw) : 0;
  if (n < 0) n = 0;
  if (max !== undefined && n > max) n = max;
  if (n !== raw) {
    notes.push(`${where}.${key}: the server reported ${String(raw)}; ${n} is used`);
    obj[key] = n;
  }
}

function keepMatching(obj: Obj, key: string, pattern: RegExp, fallback: unknown, where: string, notes: string[]): void {
  const raw = obj[key];
  if (raw === undefined || raw === null || (typeof raw === 'string' && pattern.test(raw))) return;
  notes.push(`${where}.${key}: "${String(raw)}" is not understood; ${JSON.stringify(fallback)} is used`);
  obj[key] = fallback;
}

export function normaliseLiveFacts(input: Record<string, unknown>): NormalisedFacts {
  const scenario = structuredClone(input) as Obj;
  const notes: string[] = [];
  const target = isObj(scenario.target) ? scenario.target : {};
  if (isObj(target.datastore)) clampBytes(target.datastore, 'freeBytes', 'target.datastore', notes);
  if (isObj(target.host)) {
    keepMatching(target.host, 'esxiVersion', /^\d+(\.\d+){0,3}$/, '8.0.0', 'target.host', notes);
    const versions = target.host.supportedHardwareVersions;
    if (Array.isArray(versions)) target.host.supportedHardwareVersions = versions.filter((v) => typeof v === 'string' && /^vmx-\d+$/.test(v));
    const networks = target.host.networks;
    if (Array.isArray(networks)) target.host.networks = networks.filter((n) => isObj(n) && typeof n.name === 'string' && n.name.length > 0);
  }
  const point = isObj(scenario.restorePoint) ? scenario.restorePoint : {};
  if (isObj(point.vm)) {
    keepMatching(point.vm, 'hardwareVersion', /^vmx-\d+$/, null, 'restorePoint.vm', notes);
    clampBytes(point.vm, 'independentDisks', 'restorePoint.vm', notes);
  }
  for (const disk of Array.isArray(point.disks) ? point.disks.filter(isObj) : []) {
    const where = `restorePoint.disks[${String(disk.key)}]`;
    clampBytes(disk, 'capacityBytes', where, notes);
    clampBytes(disk, 'allocatedBytes', where, notes, typeof disk.capacityBytes === 'number' ? disk.capacityBytes : undefined);
  }
  const options = isObj(scenario.options) ? scenario.options : {};
  const intoVm = isObj(options.intoVm) ? options.intoVm : null;
  if (intoVm) {
    clampBytes(intoVm, 'snapshots', 'options.intoVm', notes);
    for (const disk of Array.isArray(intoVm.disks) ? intoVm.disks.filter(isObj) : []) clampBytes(disk, 'capacityBytes', `options.intoVm.disks[${String(disk.key)}]`, notes);
  }
  return { scenario, adjustments: notes };
}
