import { BadInputError } from '../errors/lifeboat-error';
import type { Inventory } from '../vsphere/inventory-types';

/** The hosts of a cluster (by name) that can take a restore to `datastore`: connected, not in maintenance, mounting it. */
export function clusterHosts(inv: Inventory, cluster: string, datastore: string): string[] {
  const found = inv.computeResources.find((c) => c.isCluster && c.name === cluster);
  if (!found) {
    const names = inv.computeResources.filter((c) => c.isCluster).map((c) => c.name);
    throw new BadInputError(`cluster "${cluster}" not found on the target`, 'cluster-not-found', names.length ? `Choose one of: ${names.join(', ')} (cluster: in the plan file), or name a host (host:).` : 'The target has no cluster; name a host instead (host: in the plan file).');
  }
  const ds = inv.datastores.find((d) => d.name === datastore);
  const hosts = inv.hosts.filter(
    (h) => found.hosts.some((r) => r.value === h.ref.value) && h.connectionState === 'connected' && !h.inMaintenanceMode && (!ds || h.datastores.some((r) => r.value === ds.ref.value)),
  );
  if (hosts.length === 0) {
    throw new BadInputError(`no connected host of cluster "${cluster}" reaches datastore ${datastore}`, 'no-host-for-datastore', 'Choose a datastore the cluster mounts, or bring a host of the cluster out of maintenance and reconnect it.');
  }
  return hosts.map((h) => h.name).sort();
}
