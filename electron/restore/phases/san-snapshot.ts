import { RestoreRuleError } from '../restore-rule-error';
import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';

/**
 * XPORT-SAN-RESTORE-SNAPSHOT: SAN writes need a snapshot on the VM, taken after
 * change tracking is off; XPORT-SAN-EXISTING-SNAPSHOTS: a VM with other
 * snapshots refuses SAN writes. A resumed job reuses the snapshot it took.
 */
export async function takeSanSnapshot(ctx: RestoreJobContext): Promise<PhaseResult> {
  if (!ctx.usesSan) return { skipped: 'no disk is written over SAN' };
  const current = ctx.requireVm();
  const name = ctx.restoreSnapshotName;
  const { snapshots } = await ctx.target.diskState(current);
  const others = snapshots.filter((s) => s.name !== name);
  if (others.length > 0) {
    throw new RestoreRuleError(
      'XPORT-SAN-EXISTING-SNAPSHOTS',
      `${current.name} already has ${others.length} snapshot(s) (${others.map((s) => s.name).join(', ')}); a SAN restore fails on a VM with snapshots.`,
      'Delete or consolidate the snapshots first, or restore over nbdssl.',
    );
  }
  const ours = snapshots.find((s) => s.name === name);
  if (ours) return `reused the restore snapshot "${name}" (${ours.ref}) taken by the interrupted run`;
  const ref = await ctx.target.createRestoreSnapshot(current, name);
  return `took the restore snapshot "${name}" (${ref})`;
}

/**
 * XPORT-SAN-RESTORE-SNAPSHOT: revert to the restore snapshot and delete it,
 * before change tracking goes back on (reverting restores the snapshot's
 * configuration) and before power on. Also a closing step, so it runs after a
 * failure too (a no-op when the main sequence did it).
 */
export async function removeSanSnapshot(ctx: RestoreJobContext): Promise<PhaseResult> {
  if (!ctx.usesSan || !ctx.vm) return { skipped: 'no restore snapshot was needed' };
  const ours = (await ctx.target.diskState(ctx.vm)).snapshots.find((s) => s.name === ctx.restoreSnapshotName);
  if (!ours) return { skipped: 'no restore snapshot was taken' };
  await ctx.target.revertAndRemoveSnapshot(ctx.vm, ours.ref);
  return `reverted to the restore snapshot and deleted it (${ours.ref})`;
}
