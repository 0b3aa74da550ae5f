import type { Inventory, InventoryDatacenter } from './inventory-types';
import type { MoRef } from './vim-types';

const same = (a: MoRef | undefined, b: MoRef | undefined) => Boolean(a && b && a.value === b.value && a.type === b.type);

/**
 * The datacenter an inventory object lives in, found by walking its parents
 * (folders) up to a datacenter's own folder.
 */
export function datacenterHolding(inv: Inventory, parent: MoRef | undefined): InventoryDatacenter | undefined {
  let at = parent;
  for (let hops = 0; at && hops < 64; hops++) {
    const here = at;
    const dc = inv.datacenters.find((d) => same(d.ref, here) || [d.vmFolder, d.hostFolder, d.datastoreFolder, d.networkFolder].some((f) => same(f, here)));
    if (dc) return dc;
    at = inv.folders.find((f) => same(f.ref, here))?.parent;
  }
  return undefined;
}

/**
 * A datacenter's inventory path, the `dcPath` of the datastore file service:
 * the folders between the root folder and the datacenter, then its name
 * (`lab-dr/DR1`), not the bare name: a datacenter inside a folder is not
 * found by name alone.
 */
export function datacenterPath(inv: Inventory, dc: InventoryDatacenter): string {
  const names = [dc.name];
  let at = dc.parent;
  for (let hops = 0; at && hops < 64; hops++) {
    const here = at;
    const folder = inv.folders.find((f) => same(f.ref, here));
    // The root folder has no parent and is not part of the path.
    if (!folder || !folder.parent) break;
    names.unshift(folder.name);
    at = folder.parent;
  }
  return names.join('/');
}
