import { LifeboatError } from '../../errors/lifeboat-error';
import type { RestoreJobContext } from './job-context';

/**
 * Before any phase: a resumed job writes only into the VM it wrote to before.
 * The same moref may name another VM after a server restart, so the instance
 * UUID, the name and every disk (file and size) it recorded must still match.
 * A disks restore records the VM it writes into, so a resume can check it.
 */
export async function checkResumedVm(ctx: RestoreJobContext): Promise<void> {
  const { checkpoint, target, input } = ctx;
  const recorded = checkpoint.data.vm;
  if (recorded) {
    const saved = checkpoint.data.vmIdentity;
    const now = await target.vmIdentity(recorded);
    const problem = !now
      ? `the VM ${recorded.name} (${recorded.moref}) this job wrote to no longer exists`
      : saved?.instanceUuid && now.instanceUuid && saved.instanceUuid !== now.instanceUuid
        ? `${recorded.moref} is now another VM ("${now.name}", instance ${now.instanceUuid}; this job wrote to "${saved.name}", instance ${saved.instanceUuid})`
        : now.name !== recorded.name
          ? `${recorded.moref} is now named "${now.name}", not "${recorded.name}" as when this job wrote to it`
          : saved?.disks.find(
                (d) =>
                  !now.disks.some((x) => x.key === d.key && x.fileName === d.fileName && x.capacityBytes === d.capacityBytes),
              )
            ? `the disks of ${recorded.name} are not the ones this job wrote to (a disk was removed, replaced or resized)`
            : null;
    if (problem) {
      // Nothing touches this VM any more, the closing steps included.
      ctx.vm = null;
      throw new LifeboatError(`cannot resume: ${problem}; nothing was written`, {
        code: 'resume-vm-mismatch',
        hint: 'Check the VM in the vSphere Client; to restore again, start a new restore (not --resume).',
      });
    }
  }
  if (!checkpoint.data.vm && input.existingVm) {
    await checkpoint.update({ vm: input.existingVm, vmIdentity: await target.vmIdentity(input.existingVm) });
  }
}
