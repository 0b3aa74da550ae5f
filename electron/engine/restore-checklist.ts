import type { JobChecklistItem } from '../api/schemas/job-schema';
import type { Plan } from '../planner/plan-types';
import type { RestoreReport } from '../restore/restore-report';
import { RESTORE_PHASES, type RestorePhase } from '../restore/restore-phases';

const STATUSES: ReadonlyArray<JobChecklistItem['status']> = ['pending', 'running', 'done', 'skipped', 'failed'];

/**
 * The job's phases as a checklist while it runs: a phase the plan does not name
 * is skipped (the job runs exactly the plan's phases); phases before the current
 * one are done, the current one is running.
 */
export function runningChecklist(plan: Plan, current: RestorePhase | null): JobChecklistItem[] {
  const planned = new Set(plan.steps.map((s) => s.phase as string));
  const at = current === null ? -1 : RESTORE_PHASES.findIndex((p) => p.phase === current);
  return RESTORE_PHASES.map((p, i) => ({
    rule: plan.steps.find((s) => s.phase === p.phase)?.rule ?? p.rule,
    phase: p.phase,
    title: p.title,
    status: !planned.has(p.phase) ? 'skipped' : i < at ? 'done' : i === at ? 'running' : 'pending',
  }));
}

/** The finished job's checklist: the report's own record of each phase. */
export function finalChecklist(report: RestoreReport): JobChecklistItem[] {
  return report.steps.map((s) => ({
    rule: s.rule,
    phase: s.phase,
    title: s.title,
    status: STATUSES.find((x) => x === s.status) ?? 'pending',
  }));
}
