import { waitForTask, type TaskWaitOptions } from './task-waiter';
import type { VimSession } from './vim-session';
import { asMoRef, type MoRef, type VimObject } from './vim-types';

/** Where a new VM goes. */
export interface VmPlacement {
  folder: MoRef;
  resourcePool: MoRef;
  /** Required on a cluster without DRS, optional otherwise. */
  host?: MoRef;
}

async function runTask(session: VimSession, method: string, args: Record<string, unknown>, options: TaskWaitOptions) {
  const task = asMoRef(await session.call(method, args as Record<string, never>));
  if (!task) throw new Error(`${method}: the server did not return a task`);
  return waitForTask(session, task, options);
}

/** CreateVM_Task from a ConfigSpec (rule STEP-CONFIG-FROM-CONFIGINFO); returns the new VM. */
export async function createVm(session: VimSession, placement: VmPlacement, spec: VimObject, options: TaskWaitOptions = {}): Promise<MoRef> {
  const result = await runTask(
    session,
    'CreateVM_Task',
    { _this: placement.folder, config: spec, pool: placement.resourcePool, host: placement.host },
    { description: `create VM ${String(spec.name ?? '')}`.trim(), ...options },
  );
  const vm = asMoRef(result);
  if (!vm) throw new Error('CreateVM_Task succeeded but returned no virtual machine');
  return vm;
}

export async function reconfigureVm(session: VimSession, vm: MoRef, spec: VimObject, options: TaskWaitOptions = {}): Promise<void> {
  await runTask(session, 'ReconfigVM_Task', { _this: vm, spec: { $type: 'VirtualMachineConfigSpec', ...spec } }, { description: 'reconfigure VM', ...options });
}

/** Adds devices (new disks, controllers, NICs) to an existing VM. */
export async function addDevices(session: VimSession, vm: MoRef, deviceChange: VimObject[], options: TaskWaitOptions = {}): Promise<void> {
  await reconfigureVm(session, vm, { deviceChange }, { description: `add ${deviceChange.length} device(s)`, ...options });
}

/** Turns Changed Block Tracking on or off (off during restore writes, back on afterwards). */
export async function setChangeTracking(session: VimSession, vm: MoRef, enabled: boolean, options: TaskWaitOptions = {}): Promise<void> {
  await reconfigureVm(session, vm, { changeTrackingEnabled: enabled }, { description: `turn change tracking ${enabled ? 'on' : 'off'}`, ...options });
}

export interface SnapshotOptions extends TaskWaitOptions {
  description?: string;
  memory?: boolean;
  quiesce?: boolean;
}

export async function createSnapshot(session: VimSession, vm: MoRef, name: string, options: SnapshotOptions = {}): Promise<MoRef> {
  const { description, memory, quiesce, ...wait } = options;
  const result = await runTask(
    session,
    'CreateSnapshot_Task',
    { _this: vm, name, description: description ?? '', memory: memory ?? false, quiesce: quiesce ?? false },
    { description: `create snapshot ${name}`, ...wait },
  );
  const snapshot = asMoRef(result);
  if (!snapshot) throw new Error('CreateSnapshot_Task succeeded but returned no snapshot');
  return snapshot;
}

export async function removeSnapshot(session: VimSession, snapshot: MoRef, options: TaskWaitOptions & { removeChildren?: boolean } = {}): Promise<void> {
  const { removeChildren, ...wait } = options;
  await runTask(
    session,
    'RemoveSnapshot_Task',
    { _this: snapshot, removeChildren: removeChildren ?? false, consolidate: true },
    { description: 'remove snapshot', ...wait },
  );
}

export async function powerOnVm(session: VimSession, vm: MoRef, options: TaskWaitOptions = {}): Promise<void> {
  await runTask(session, 'PowerOnVM_Task', { _this: vm }, { description: 'power on VM', ...options });
}

export async function powerOffVm(session: VimSession, vm: MoRef, options: TaskWaitOptions = {}): Promise<void> {
  await runTask(session, 'PowerOffVM_Task', { _this: vm }, { description: 'power off VM', ...options });
}

/** Destroy_Task: removes the VM and its files. */
export async function destroyVm(session: VimSession, vm: MoRef, options: TaskWaitOptions = {}): Promise<void> {
  await runTask(session, 'Destroy_Task', { _this: vm }, { description: 'delete VM', ...options });
}
