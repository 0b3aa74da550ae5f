import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';

/** STEP-HOTADD-CLEANUP: VDDK Cleanup after HotAdd, a closing step run after a failure or cancel too. */
export async function hotAddCleanup(ctx: RestoreJobContext): Promise<PhaseResult> {
  if (!ctx.usedHotAdd) return { skipped: 'HotAdd was not used' };
  await ctx.target.cleanup();
  return 'VDDK Cleanup done';
}
