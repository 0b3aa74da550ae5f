import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';

/** STEP-POWER-ON: only run because the plan has the step (the user asked for it). */
export async function powerOn(ctx: RestoreJobContext): Promise<PhaseResult> {
  await ctx.target.powerOn(ctx.requireVm());
  return `${ctx.requireVm().name} powered on`;
}
