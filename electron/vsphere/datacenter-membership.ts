import { inventoryTraversal } from './inventory-traversal';
import type { Inventory } from './inventory-types';
import { retrieveAll } from './property-collector';
import type { VimSession } from './vim-session';

/**
 * Which datacenter each folder, compute resource, host and resource pool is in
 * (moref value → datacenter name): one traversal from each datacenter. The
 * inventory itself does not say, and a vCenter with several datacenters (a
 * production and a DR site) needs it for the restore wizard's pickers.
 */
export async function datacenterMembership(session: VimSession, inv: Inventory): Promise<Map<string, string>> {
  const member = new Map<string, string>();
  for (const dc of inv.datacenters) {
    const objects = await retrieveAll(session, {
      root: dc.ref,
      includeRoot: false,
      traversal: inventoryTraversal,
      properties: [
        { type: 'Folder', pathSet: ['name'] },
        { type: 'ComputeResource', pathSet: ['name'] },
        { type: 'HostSystem', pathSet: ['name'] },
        { type: 'ResourcePool', pathSet: ['name'] },
      ],
    });
    for (const o of objects) member.set(o.obj.value, dc.name);
  }
  return member;
}
