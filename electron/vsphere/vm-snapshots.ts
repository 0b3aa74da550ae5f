import { retrieveOne } from './property-collector';
import { waitForTask } from './task-waiter';
import type { VimSession } from './vim-session';
import { asArray, asMoRef, asObject, asString, type MoRef, type VimValue } from './vim-types';

/** One snapshot of a VM, flattened from snapshot.rootSnapshotList. */
export interface VmSnapshotEntry {
  ref: MoRef;
  name: string;
}

/** What a host enforces on a VM's disks: a running VM holds them; SAN restores need exactly the restore snapshot. */
export interface VmDiskGuard {
  powerState: 'poweredOn' | 'poweredOff' | 'suspended' | string;
  snapshots: VmSnapshotEntry[];
}

function flatten(trees: VimValue): VmSnapshotEntry[] {
  return asArray(trees as VimValue[] | VimValue | undefined).flatMap((t) => {
    const tree = asObject(t);
    const ref = asMoRef(tree?.snapshot);
    const own = ref ? [{ ref, name: asString(tree?.name) ?? '' }] : [];
    return [...own, ...flatten(tree?.childSnapshotList)];
  });
}

/** Power state and every snapshot of a VM (the whole tree, not only the current branch). */
export async function readVmDiskGuard(session: VimSession, vm: MoRef): Promise<VmDiskGuard> {
  const found = await retrieveOne(session, vm, ['runtime.powerState', 'snapshot']);
  if (!found) throw new Error(`VM ${vm.value} was not found on the server.`);
  const snapshot = asObject(found.props.snapshot);
  return { powerState: asString(found.props['runtime.powerState']) ?? 'poweredOff', snapshots: flatten(snapshot?.rootSnapshotList) };
}

/** RevertToSnapshot_Task: the VM returns to the snapshot's state (what was written to the base disks stays). */
export async function revertToSnapshot(session: VimSession, snapshot: MoRef): Promise<void> {
  const task = asMoRef(await session.call('RevertToSnapshot_Task', { _this: snapshot }));
  if (!task) throw new Error('RevertToSnapshot_Task: the server did not return a task');
  await waitForTask(session, task, { description: 'revert to the restore snapshot' });
}
