import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULE_CATALOGUE } from '../../../electron/planner/rule-catalogue';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
// CI places the shared docs beside the clone as ../shared. Part 1, then part 2.
const rulesDocs = ['restore-rules.md', 'restore-rules-2.md'].map((f) => path.resolve(repoRoot, '../shared/docs', f));

/** Rule IDs from the first column of the catalogue's tables, document by document. */
function documentedIds(): string[] {
  return rulesDocs.flatMap((doc) =>
    [...readFileSync(doc, 'utf8').matchAll(/^\|\s*([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\s*\|/gm)].map((m) => m[1]!),
  );
}

/** The body of `describe('ID', …)` up to the next describe, per ID, across this folder's tests. */
function describeBodies(): Map<string, string> {
  const bodies = new Map<string, string>();
  for (const file of readdirSync(here).filter((f) => f.endsWith('.test.ts'))) {
    const text = readFileSync(path.join(here, file), 'utf8');
    const starts = [...text.matchAll(/^describe\('([^']+)'/gm)];
    starts.forEach((m, i) => {
      const end = starts[i + 1]?.index ?? text.length;
      bodies.set(m[1]!, (bodies.get(m[1]!) ?? '') + text.slice(m.index, end));
    });
  }
  return bodies;
}

describe('rule catalogue', () => {
  it('holds exactly the rule IDs of restore-rules.md and then restore-rules-2.md, in their order', () => {
    const ids = documentedIds();
    expect(ids.length).toBeGreaterThan(55);
    expect(RULE_CATALOGUE.map((r) => r.id)).toEqual(ids);
  });
  it('gives every rule a severity, a kind and a title', () => {
    for (const r of RULE_CATALOGUE) {
      expect(['block', 'warn', 'info']).toContain(r.severity);
      expect(['finding', 'step', 'effect']).toContain(r.kind);
      expect(r.title.length).toBeGreaterThan(10);
    }
  });
  it('has, for every rule ID, a describe block with a case where it fires and one where it must not', () => {
    const bodies = describeBodies();
    const missing: string[] = [];
    for (const { id } of RULE_CATALOGUE) {
      const body = bodies.get(id);
      if (!body) missing.push(`${id}: no describe('${id}')`);
      else {
        if (!/\bit\('fires/.test(body)) missing.push(`${id}: no it('fires …')`);
        if (!/\bit\('does not fire/.test(body)) missing.push(`${id}: no it('does not fire …')`);
      }
    }
    expect(missing).toEqual([]);
  });
});
