import { killPoint } from '../fault-points';
import { RestoreRuleError } from '../restore-rule-error';
import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';

/** DATA-DISK-MAP (add as new disks): the disks added to the existing VM, recorded so a resume writes the same ones. */
async function addNewDisks(ctx: RestoreJobContext, datastore: string): Promise<string> {
  const { target, checkpoint } = ctx;
  const disks = ctx.writable.map((d) => {
    const p = ctx.pointDisk(d.key);
    return { pointKey: d.key, capacity: p.capacity, provisioning: p.provisioning };
  });
  const added = await target.addDisks(ctx.requireVm(), disks, datastore);
  await checkpoint.update({
    diskTargets: Object.fromEntries([...added].map(([k, v]) => [String(k), v])),
    vmIdentity: await target.vmIdentity(ctx.requireVm()),
  });
  return `added ${added.size} new disk(s) to ${ctx.requireVm().name} on ${datastore}`;
}

/**
 * STEP-CONFIG-FROM-CONFIGINFO: creates the VM from the saved configuration,
 * once. A crash between CreateVM and recording its result leaves a VM carrying
 * this job's marker: it is adopted, never made twice (DATA-VM-NAME-TAKEN when
 * the name is held by a VM this job did not make).
 */
export async function createVm(ctx: RestoreJobContext): Promise<PhaseResult> {
  const { input, target, checkpoint } = ctx;
  if (input.kind !== 'full-vm') {
    if (!input.addAsNewDisks) return { skipped: 'disk restore into an existing VM' };
    return addNewDisks(ctx, input.addAsNewDisks.datastore);
  }
  if (ctx.vm) return `reused ${ctx.vm.name} (${ctx.vm.moref}) created by the interrupted run`;
  if (!input.placement) throw new Error('a full-VM restore needs a placement (name, datastore)');
  const placement = input.placement;
  const intent = checkpoint.data.creating;
  if (intent) {
    const orphan = await target.findVmByMarker(intent.name, intent.marker);
    if (orphan) {
      ctx.vm = orphan;
      await checkpoint.update({ vm: orphan, vmIdentity: await target.vmIdentity(orphan) });
      return `adopted ${orphan.name} (${orphan.moref}), created by the interrupted run before it could record it`;
    }
    if (await target.vmNameInUse(placement.name)) {
      throw new RestoreRuleError(
        'DATA-VM-NAME-TAKEN',
        `a VM named "${placement.name}" exists but was not created by this job`,
        'Choose another name and start a new restore.',
      );
    }
  }
  await checkpoint.update({ creating: { name: placement.name, marker: input.jobId } });
  const vm = await target.createVm(input.manifest, { ...placement, jobMarker: input.jobId });
  ctx.vm = vm;
  killPoint('create-vm:before-record');
  await checkpoint.update({ vm, vmIdentity: await target.vmIdentity(vm) });
  return `created ${vm.name} (${vm.moref}) on ${placement.datastore}`;
}
