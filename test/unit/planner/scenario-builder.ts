import { parseScenario } from '../../../electron/planner/scenario-parse';
import type { Scenario } from '../../../electron/planner/scenario-schema';
import type { Plan } from '../../../electron/planner/plan-types';
import type { RuleId } from '../../../electron/planner/rule-catalogue';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge for plain objects; arrays and scalars in `b` replace those in `a`. */
export function merge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObject(v) && isObject(a[k]) ? merge(a[k] as Json, v) : v;
  return out;
}

/**
 * A plain baseline: physical workstation without LUNs, vCenter, VMFS datastore
 * with plenty of room, one unencrypted thin SCSI disk. Tests override only what
 * their rule is about.
 */
export const BASE: Json = {
  restorePoint: {
    vm: { name: 'app01', guestFamily: 'linux' },
    disks: [{ key: 2000, label: 'Hard disk 1', capacityBytes: 40 * GiB, allocatedBytes: 10 * GiB, provisioning: 'thin' }],
  },
};

/** A scenario from the baseline plus overrides; throws on schema errors so a typo fails loudly. */
export function scenario(overrides: Json = {}): Scenario {
  const r = parseScenario(merge(BASE, overrides));
  if (!r.ok) throw new Error(`test scenario invalid: ${r.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return r.scenario;
}

/** A physical workstation that sees the datastore's LUN (SAN possible). */
export const SAN_WORKSTATION: Json = { workstation: { kind: 'physical', visibleLuns: ['naa.600a0b80001234'] } };

/** A proxy VM under the same vCenter that reaches ds1 (HotAdd possible). */
export const HOTADD_WORKSTATION: Json = {
  workstation: { kind: 'vm', vcenter: 'vc.example.test', datastores: ['ds1'], scsiControllerBuses: [0, 1] },
};

export function findings(plan: Plan, rule: RuleId) {
  return plan.findings.filter((f) => f.rule === rule);
}

export function steps(plan: Plan, rule: RuleId) {
  return plan.steps.filter((s) => s.rule === rule);
}

export function disk(plan: Plan, key = 2000) {
  const d = plan.disks.find((x) => x.key === key);
  if (!d) throw new Error(`no disk ${key} in plan`);
  return d;
}

/** A rule fired when it shows anywhere in the plan: finding, step, effect or exclusion. */
export function fired(plan: Plan, rule: RuleId): boolean {
  return plan.rulesApplied.includes(rule);
}
