import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';

/** STEP-PREPARE-ACCESS: storage vMotion is held off while the job writes (vCenter only). */
export async function prepareAccess(ctx: RestoreJobContext): Promise<PhaseResult> {
  const { target, input } = ctx;
  if (!target.supportsPrepareForAccess) return { skipped: 'not available on a standalone ESXi host (needs vCenter)' };
  await target.prepareForAccess(ctx.vm, input.identity);
  return `identity "${input.identity}"`;
}

/** STEP-PREPARE-ACCESS: EndAccess, a closing step run after a failure or cancel too. */
export async function endAccess(ctx: RestoreJobContext): Promise<PhaseResult> {
  const { target, input } = ctx;
  if (!target.supportsPrepareForAccess) return { skipped: 'not available on a standalone ESXi host' };
  await target.endAccess(ctx.vm, input.identity);
  return 'EndAccess called';
}
