import { downloadDatastoreFileBytes, nvramFileOf } from '../vsphere/datastore-files';
import { retrieveOne } from '../vsphere/property-collector';
import { associatedPolicies } from '../vsphere/storage-policies';
import type { VimSession } from '../vsphere/vim-session';
import { asArray, asMoRef, asString, type MoRef, type VimValue } from '../vsphere/vim-types';
import type { SavedVmConfig } from '../vsphere/vm-config-info';
import type { SavedStoragePolicy } from './backup-manifest';

/**
 * Inventory path of the datacenter a VM belongs to ("DC0", or "lab-dr/DR1" for a
 * datacenter inside a folder): the datastore file service's dcPath is that path,
 * not the bare name, or the files of such a VM (its NVRAM) are not found.
 */
export async function vmDatacenterPath(session: VimSession, vm: MoRef): Promise<string> {
  let current: MoRef | undefined = vm;
  let path: string[] | null = null;
  for (let depth = 0; current && depth < 64; depth++) {
    const found = await retrieveOne(session, current, ['name', 'parent']);
    const parent = asMoRef(found?.props.parent);
    if (current.type === 'Datacenter') path = [asString(found?.props.name) ?? current.value];
    // Folders between the datacenter and the root folder (which has no parent and is not part of the path).
    else if (path && current.type === 'Folder' && parent) path.unshift(asString(found?.props.name) ?? current.value);
    current = parent;
  }
  if (!path) throw new Error(`Could not find the datacenter of ${vm.value} (its parent chain ends without one).`);
  return path.join('/');
}

/** Datastore name → type (VMFS, NFS, VVOL, vsan…) for the VM's datastores. */
export async function vmDatastoreTypes(session: VimSession, vm: MoRef): Promise<Map<string, string>> {
  const found = await retrieveOne(session, vm, ['datastore']);
  const out = new Map<string, string>();
  for (const ds of asArray(found?.props.datastore as VimValue[] | VimValue | undefined)) {
    const ref = asMoRef(ds);
    if (!ref) continue;
    const summary = await retrieveOne(session, ref, ['summary.name', 'summary.type']);
    const name = asString(summary?.props['summary.name']);
    if (name) out.set(name, asString(summary?.props['summary.type']) ?? 'unknown');
  }
  return out;
}

/** Storage policies of the VM home and disks; null (with why) where the server has no policy service. */
export async function vmStoragePolicy(
  session: VimSession,
  vm: MoRef,
  diskKeys: number[],
): Promise<{ policy: SavedStoragePolicy | null; note?: string }> {
  if (session.isHostAgent) return { policy: null, note: 'a standalone ESXi host has no storage policy service; no policy saved' };
  try {
    const policy: SavedStoragePolicy = { vm: await associatedPolicies(session, vm), disks: [] };
    for (const key of diskKeys) policy.disks.push({ key, policies: await associatedPolicies(session, vm, key) });
    return { policy };
  } catch (err) {
    return { policy: null, note: `storage policies could not be read (${(err as Error).message}); none saved` };
  }
}

/** The VM's NVRAM bytes through the datastore file service; null (with why) when it has none yet. */
export async function vmNvram(
  session: VimSession,
  datacenter: string,
  config: SavedVmConfig,
): Promise<{ fileName: string; data: Buffer | null; note?: string }> {
  const file = nvramFileOf(datacenter, config);
  const fileName = file.path.slice(file.path.lastIndexOf('/') + 1);
  try {
    return { fileName, data: await downloadDatastoreFileBytes(session, file) };
  } catch (err) {
    // A VM that never powered on has no NVRAM file; the restore then starts with a fresh one.
    return { fileName, data: null, note: `no NVRAM saved: ${(err as Error).message}` };
  }
}

/** Snapshot morefs of a VM (whole tree), to check that a backup left none behind. */
export async function vmSnapshots(session: VimSession, vm: MoRef): Promise<Array<{ ref: MoRef; name: string }>> {
  const found = await retrieveOne(session, vm, ['snapshot']);
  const info = found?.props.snapshot as { rootSnapshotList?: VimValue } | undefined;
  const out: Array<{ ref: MoRef; name: string }> = [];
  const walk = (list: VimValue): void => {
    for (const node of asArray(list as VimValue[] | VimValue | undefined)) {
      const n = node as { snapshot?: VimValue; name?: VimValue; childSnapshotList?: VimValue };
      const ref = asMoRef(n.snapshot);
      if (ref) out.push({ ref, name: asString(n.name) ?? '' });
      if (n.childSnapshotList) walk(n.childSnapshotList);
    }
  };
  if (info?.rootSnapshotList) walk(info.rootSnapshotList);
  return out;
}
