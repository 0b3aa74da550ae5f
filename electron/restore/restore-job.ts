import { initialPhases, type PhaseRecord } from './restore-phases';
import { checkResumedVm } from './phases/resume-check';
import { createJobContext } from './phases/job-context';
import type { RestoreJobDeps, RestoreJobInput, RestoreOutcome } from './phases/job-types';
import { CLOSING_PHASES, MAIN_PHASES } from './phases/phase-list';
import { plannedPhases } from './phases/planned-phases';
import { messageOf, runPhase, throwIfAborted } from './phases/phase-runner';

export type { DiskOutcome, RestoreJobDeps, RestoreJobInput, RestoreOutcome, RestoreProgress } from './phases/job-types';
export { NOT_IN_PLAN, plannedPhases } from './phases/planned-phases';

/** A resumed job keeps what was done, but the closing steps always run again; a checkpoint from an older version may lack phases added since: they start pending. */
function resumedPhases(saved: PhaseRecord[]): PhaseRecord[] {
  const byName = new Map(saved.map((p) => [p.phase, p]));
  const closing = new Set<string>(CLOSING_PHASES.map((p) => p.name));
  const phases: PhaseRecord[] = initialPhases().map((p) => ({ ...p, ...byName.get(p.phase) }));
  for (const p of phases) {
    if (closing.has(p.phase) || p.status === 'running' || p.status === 'failed') p.status = 'pending';
  }
  return phases;
}

/**
 * Executes a restore plan as a job: the phases of phases/phase-list.ts in
 * order, each tied to its rule and run only when a step of the plan names it,
 * then the closing phases (change tracking back on, EndAccess, VDDK Cleanup)
 * even after a failure or cancel. Progress is checkpointed so a resumed job
 * continues where the last one stopped.
 */
export async function runRestoreJob(input: RestoreJobInput, deps: RestoreJobDeps): Promise<RestoreOutcome> {
  const { checkpoint, signal } = deps;
  const startedAt = new Date().toISOString();
  const phases = resumedPhases(checkpoint.data.phases as PhaseRecord[]);
  const ctx = createJobContext(input, deps);
  const planned = plannedPhases(input.plan);
  const errors: string[] = [];

  let failure: unknown = null;
  try {
    await checkResumedVm(ctx);
    for (const p of MAIN_PHASES) {
      await runPhase(ctx, phases, planned, p.name, p.run);
      if (p.cancelPointAfter) throwIfAborted(signal);
    }
  } catch (err) {
    failure = err;
    errors.push(messageOf(err));
  }
  for (const p of CLOSING_PHASES) {
    try {
      await runPhase(ctx, phases, planned, p.name, p.run);
    } catch (err) {
      errors.push(`${p.name}: ${messageOf(err)}`);
    }
  }
  // Phases a failure kept from running stay 'pending', so a resumed job runs them.
  await checkpoint.update({ phases });
  const warnings = checkpoint.saveProblem
    ? [`${checkpoint.saveProblem}; a resume of this job starts from its last saved state`]
    : [];
  return {
    ok: failure === null && errors.length === 0,
    cancelled: Boolean(signal?.aborted),
    vm: ctx.vm,
    phases,
    disks: [...ctx.outcomes.values()],
    errors,
    warnings,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}
