import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';

/**
 * STEP-CBT-OFF: change tracking is off while the job writes. Whether it was
 * on (on the target, or in the saved configuration of a new VM) is recorded
 * once, so a resumed job turns it back on as the first run found it.
 */
export async function cbtOff(ctx: RestoreJobContext): Promise<PhaseResult> {
  const { input, target, checkpoint } = ctx;
  const current = await target.changeTrackingEnabled(ctx.requireVm());
  const wasOn =
    input.kind === 'full-vm'
      ? Boolean((input.manifest.configInfo as { changeTrackingEnabled?: unknown }).changeTrackingEnabled) || current
      : current;
  if (checkpoint.data.cbtWasOn === null) await checkpoint.update({ cbtWasOn: wasOn });
  if (!current) return 'change tracking is off';
  await target.setChangeTracking(ctx.requireVm(), false);
  return 'change tracking turned off';
}

/** STEP-CBT-OFF: change tracking back on as it was, a closing step run after a failure or cancel too. */
export async function cbtOn(ctx: RestoreJobContext): Promise<PhaseResult> {
  if (!ctx.vm) return { skipped: 'no VM' };
  if (!ctx.checkpoint.data.cbtWasOn) return { skipped: 'change tracking was off before the restore' };
  await ctx.target.setChangeTracking(ctx.vm, true);
  return 'change tracking turned back on';
}
