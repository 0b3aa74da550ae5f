import type { z } from 'zod';
import { RecoveryGroup, RecoveryLimits, RecoveryPlanFile, RecoveryRestoreOptions, RecoveryVmEntry } from '../api/schemas/recovery-plan-file';
import type { PlanPath } from './recovery-plan-path';

/** A schema problem, before it is given its line: the field, whether the key or the value is wrong, and what to do. */
export interface PlanProblem {
  path: PlanPath;
  part: 'key' | 'value';
  message: string;
}

const THEN_KEYS = ['waitFor', 'delaySeconds'];

/** The keys allowed in the object at `path` (for "unknown key" messages). */
function allowedKeys(path: PlanPath): string[] {
  const shape = (s: { shape: Record<string, unknown> }) => Object.keys(s.shape);
  const p = path.map((s) => (typeof s === 'number' ? '#' : s)).join('/');
  if (p === '') return shape(RecoveryPlanFile);
  if (p === 'defaults') return shape(RecoveryRestoreOptions);
  if (p === 'limits') return shape(RecoveryLimits);
  if (p === 'groups/#') return shape(RecoveryGroup);
  if (p === 'groups/#/then') return THEN_KEYS;
  if (p === 'groups/#/vms/#') return shape(RecoveryVmEntry);
  return [];
}

/** Edit distance, to suggest the key a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function unknownKey(path: PlanPath, key: string): string {
  const allowed = allowedKeys(path);
  const near = allowed.filter((k) => distance(k, key) <= Math.max(1, Math.floor(k.length / 4))).sort((a, b) => distance(a, key) - distance(b, key));
  const hint = near.length ? ` (did you mean "${near[0]}"?)` : '';
  return `unknown key "${key}"${hint}; allowed here: ${allowed.join(', ')}`;
}

function valueAt(root: unknown, path: PlanPath): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function describe(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
};

function typeMessage(expected: string, value: unknown, field: string | number | undefined): string {
  const want = EXPECTED[expected] ?? expected;
  if (value === undefined) return `is missing: add ${typeof field === 'string' ? `"${field}:" with ` : ''}${want}`;
  return `expected ${want}, got ${describe(value)}; write ${want} here`;
}

function sizeMessage(issue: z.core.$ZodIssue): string {
  const i = issue as { code: 'too_small' | 'too_big'; origin?: string; minimum?: number | bigint; maximum?: number | bigint };
  const n = Number(i.code === 'too_small' ? i.minimum : i.maximum);
  const bound = i.code === 'too_small' ? 'at least' : 'at most';
  if (i.origin === 'array') return `needs ${bound} ${n} entr${n === 1 ? 'y' : 'ies'}`;
  if (i.origin === 'string') return n === 1 && i.code === 'too_small' ? 'must not be empty' : `must be ${bound} ${n} characters long`;
  return `must be ${bound} ${n}`;
}

/** zod's issues as plan problems, each saying what to write instead. */
export function schemaProblems(issues: readonly z.core.$ZodIssue[], input: unknown): PlanProblem[] {
  const out: PlanProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const value = valueAt(input, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ path: [...path, key], part: 'key', message: unknownKey(path, key) });
        break;
      case 'invalid_type':
        out.push({ path, part: 'value', message: typeMessage(issue.expected, value, path[path.length - 1]) });
        break;
      case 'invalid_value':
        out.push({ path, part: 'value', message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describe(value)}` });
        break;
      case 'too_small':
      case 'too_big':
        out.push({ path, part: 'value', message: sizeMessage(issue) });
        break;
      default:
        out.push({ path, part: 'value', message: issue.message });
    }
  }
  return out;
}
