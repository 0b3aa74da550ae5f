import type { Finding, PlanStep } from './plan-types';
import { RULE_CATALOGUE, type RuleId, type Severity } from './rule-catalogue';
import { JOB_PHASE_OF, type DraftStep } from './rules/step-draft';

const catalogueIndex = new Map<string, number>(RULE_CATALOGUE.map((r, i) => [r.id, i]));
const severityRank: Record<Severity, number> = { block: 0, warn: 1, info: 2 };

export function ruleIndex(id: RuleId): number {
  return catalogueIndex.get(id) ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Findings in a stable order: severity, then catalogue order, then VM-wide
 * before per-disk, then the disks' order in the restore point.
 */
export function sortFindings(findings: readonly Finding[], diskOrder: readonly number[]): Finding[] {
  const diskRank = (f: Finding) => (f.disk === undefined ? -1 : diskOrder.indexOf(f.disk));
  return [...findings].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] || ruleIndex(a.rule) - ruleIndex(b.rule) || diskRank(a) - diskRank(b),
  );
}

/** Orders draft steps by phase (then by disk order, keeping insertion order) and numbers them from 1. */
export function numberSteps(drafts: readonly DraftStep[], diskOrder: readonly number[]): PlanStep[] {
  const diskRank = (d: DraftStep) => (d.disk === undefined ? -1 : diskOrder.indexOf(d.disk));
  const indexed = drafts.map((d, i) => ({ d, i }));
  indexed.sort((a, b) => a.d.phase - b.d.phase || diskRank(a.d) - diskRank(b.d) || a.i - b.i);
  return indexed.map(({ d }, i) => ({
    rule: d.rule,
    order: i + 1,
    phase: JOB_PHASE_OF[d.phase] ?? 'vddk-config',
    description: d.description,
    ...(d.disk !== undefined ? { disk: d.disk } : {}),
  }));
}

/** Every rule that shaped a plan, in catalogue order. */
export function collectRules(parts: {
  findings: readonly Finding[];
  steps: readonly { rule: RuleId }[];
  more: readonly RuleId[];
}): RuleId[] {
  const set = new Set<RuleId>([...parts.findings.map((f) => f.rule), ...parts.steps.map((s) => s.rule), ...parts.more]);
  return [...set].sort((a, b) => ruleIndex(a) - ruleIndex(b));
}
