import { retrieveOne } from './property-collector';
import type { VimSession } from './vim-session';
import { asArray, asNumber, asObject, asString, type MoRef, type VimObject } from './vim-types';

/** A disk as a snapshot froze it: what a backup opens through VDDK and the CBT change id to save. */
export interface SnapshotDisk {
  key: number;
  label: string;
  controllerKey: number;
  unitNumber: number;
  capacityBytes: number;
  /** `[datastore] folder/name-000001.vmdk` or the base disk, as VDDK opens it with the snapshot. */
  fileName: string;
  /** CBT change id at the snapshot; absent when change tracking was off. */
  changeId?: string;
}

/** Disks of a snapshot (VirtualMachineSnapshot.config), with their change ids. */
export async function snapshotDisks(session: VimSession, snapshot: MoRef): Promise<SnapshotDisk[]> {
  const found = await retrieveOne(session, snapshot, ['config.hardware.device']);
  const devices = asArray(found?.props['config.hardware.device'] as VimObject[] | VimObject | undefined);
  return devices
    .filter((d) => d.$type === 'VirtualDisk')
    .map((d) => {
      const backing = asObject(d.backing) ?? {};
      const kb = asNumber(d.capacityInKB) ?? 0;
      return {
        key: asNumber(d.key) ?? 0,
        label: asString(asObject(d.deviceInfo)?.label) ?? '',
        controllerKey: asNumber(d.controllerKey) ?? 0,
        unitNumber: asNumber(d.unitNumber) ?? 0,
        capacityBytes: asNumber(d.capacityInBytes) ?? kb * 1024,
        fileName: asString(backing.fileName) ?? '',
        changeId: asString(backing.changeId) || undefined,
      };
    });
}

export interface DiskArea {
  /** Byte offset. */
  start: number;
  length: number;
}

/**
 * Areas of a disk changed since `changeId` (or, with `*`, every allocated
 * area: what a first full backup of a thin disk reads). The server answers in
 * slices; this walks them to the end of the disk, one slice per yield.
 */
export async function* changedDiskAreas(
  session: VimSession,
  vm: MoRef,
  snapshot: MoRef,
  disk: Pick<SnapshotDisk, 'key' | 'capacityBytes'>,
  changeId: string,
): AsyncGenerator<DiskArea[]> {
  let offset = 0;
  while (offset < disk.capacityBytes) {
    const info = asObject(
      await session.call('QueryChangedDiskAreas', { _this: vm, snapshot, deviceKey: disk.key, startOffset: offset, changeId }),
    );
    const start = asNumber(info?.startOffset) ?? offset;
    const length = asNumber(info?.length) ?? 0;
    yield asArray(info?.changedArea as VimObject[] | VimObject | undefined).map((a) => ({ start: asNumber(a.start) ?? 0, length: asNumber(a.length) ?? 0 }));
    // A zero-length answer would loop forever; treat it as the end.
    if (length <= 0) return;
    offset = start + length;
  }
}

/** All changed areas in one list. */
export async function allChangedDiskAreas(session: VimSession, vm: MoRef, snapshot: MoRef, disk: Pick<SnapshotDisk, 'key' | 'capacityBytes'>, changeId: string): Promise<DiskArea[]> {
  const all: DiskArea[] = [];
  for await (const slice of changedDiskAreas(session, vm, snapshot, disk, changeId)) all.push(...slice);
  return all;
}
