import type { Inventory, InventoryHost } from '../vsphere/inventory-types';
import type { MoRef } from '../vsphere/vim-types';
import type { VmPlacement } from './restore-target';

/** Each disk placed off the VM's datastore, by name to the datastore the chosen host mounts (the plan checked the same). */
export function diskDatastoresOf(inv: Inventory, host: InventoryHost, placement: VmPlacement): Map<number, { name: string; ref: MoRef }> {
  const out = new Map<number, { name: string; ref: MoRef }>();
  for (const [key, name] of Object.entries(placement.diskDatastores ?? {})) {
    if (name === placement.datastore) continue;
    const ds = inv.datastores.find((d) => d.name === name && host.datastores.some((r) => r.value === d.ref.value));
    if (!ds) throw new Error(`datastore "${name}" for disk ${key} is not mounted on host ${host.name}`);
    out.set(Number(key), { name: ds.name, ref: ds.ref });
  }
  return out;
}
