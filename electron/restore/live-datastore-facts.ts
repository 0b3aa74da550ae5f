import { BadInputError } from '../errors/lifeboat-error';
import type { RestorePointManifest } from '../repository/restore-point-manifest';
import type { Inventory, InventoryDatastore, InventoryHost } from '../vsphere/inventory-types';

function datastoreType(ds: InventoryDatastore): 'VMFS' | 'NFS' | 'VVOL' | 'vsan' | 'local' {
  if (ds.local) return 'local';
  if (/^NFS/i.test(ds.type)) return 'NFS';
  if (/vvol/i.test(ds.type)) return 'VVOL';
  if (/vsan/i.test(ds.type)) return 'vsan';
  return 'VMFS';
}

/**
 * XPORT-SAN-NO-LUN: the LUN a VMFS datastore lives on, from its extents
 * (HostVmfsVolume.extent[].diskName). A volume spanning several LUNs needs
 * all of them, so the first one the workstation does not see is the fact.
 */
export function datastoreLun(ds: InventoryDatastore, visibleLuns: string[]): string | null {
  const luns = ds.extents.map((e) => e.toLowerCase());
  return luns.find((l) => !visibleLuns.includes(l)) ?? luns[0] ?? null;
}

/** A datastore as the planner's scenario describes it. */
export function datastoreFacts(ds: InventoryDatastore, visibleLuns: string[]) {
  return { name: ds.name, type: datastoreType(ds), lun: datastoreLun(ds, visibleLuns), freeBytes: ds.freeBytes };
}

/** The datastores disks are placed on besides the VM's: each must exist and be mounted on the target host. */
export function otherDatastores(
  inv: Inventory,
  host: InventoryHost,
  input: { manifest: RestorePointManifest; datastore: string; diskDatastores?: Record<string, string> },
  visibleLuns: string[],
) {
  const keys = input.manifest.disks.map((d) => String(d.key));
  const unknown = Object.keys(input.diskDatastores ?? {}).filter((k) => k !== '*' && !keys.includes(k));
  if (unknown.length > 0) {
    throw new BadInputError(`the restore point has no disk ${unknown.join(', ')} (--disk-datastore)`, 'disk-not-in-point', `Its disks are ${keys.join(', ')}; see \`lifeboat repo show\`.`);
  }
  const names = [...new Set(Object.values(input.diskDatastores ?? {}))].filter((n) => n !== input.datastore);
  return names.map((name) => {
    const ds = inv.datastores.find((d) => d.name === name);
    if (!ds) throw new BadInputError(`datastore "${name}" (--disk-datastore) not found on the target`, 'datastore-not-found', `Choose one of: ${inv.datastores.map((d) => d.name).join(', ')}.`);
    if (!host.datastores.some((r) => r.value === ds.ref.value)) {
      throw new BadInputError(`host ${host.name} does not mount datastore "${name}" (--disk-datastore)`, 'datastore-not-on-host', `Choose a datastore that host ${host.name} mounts, or another host (--host).`);
    }
    return datastoreFacts(ds, visibleLuns);
  });
}
