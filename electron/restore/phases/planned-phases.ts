import type { Plan } from '../../planner/plan-types';
import { RESTORE_PHASES, type RestorePhase } from '../restore-phases';

/** The detail of a phase its plan has no step for. */
export const NOT_IN_PLAN = 'not in the plan';

/**
 * The plan is the contract: the job phases a plan's steps name, in job order
 * (read-back verification goes with the disk writes when the plan verifies).
 */
export function plannedPhases(plan: Plan): Set<RestorePhase> {
  const names = new Set<string>(plan.steps.map((s) => s.phase));
  if (plan.verify && names.has('write-disks')) names.add('verify-disks');
  return new Set(RESTORE_PHASES.map((p) => p.phase).filter((p) => names.has(p)));
}
