import type { z } from 'zod';
import { scenarioSchema, type Scenario } from './scenario-schema';

/** One problem in a scenario, located by its path (`restorePoint.disks[0].provisoning`). */
export interface ScenarioIssue {
  path: string;
  message: string;
}

export type ScenarioParseResult = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

/** `['restorePoint','disks',0,'key']` → `restorePoint.disks[0].key`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** Turns zod's issues into one line per bad field, unknown fields named one by one. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: joinPath(path, key), message: 'unknown field' });
    } else if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      out.push({ path: path || '(document)', message: `required field missing (expected ${issue.expected})` });
    } else {
      out.push({ path: path || '(document)', message: issue.message });
    }
  }
  return out;
}

/** Validates parsed JSON as a scenario and applies the contract's defaults. */
export function parseScenario(value: unknown): ScenarioParseResult {
  const result = scenarioSchema.safeParse(value);
  if (result.success) return { ok: true, scenario: result.data };
  return { ok: false, issues: describeIssues(result.error.issues) };
}
