import type { RestoreTargets } from '../../electron/api/contract';

/** A small vCenter as the target pickers see it: one cluster, a usable host and one in maintenance mode. */
export const targets: RestoreTargets = {
  datacenters: [{ name: 'DC1' }],
  computeResources: [{ name: 'cluster1', datacenter: 'DC1', isCluster: true, hosts: ['esx1', 'esx2'] }],
  hosts: [
    { name: 'esx1', datacenter: 'DC1', computeResource: 'cluster1', usable: true, datastores: ['ds1'], networks: ['VM Network', 'prod-vlan20'] },
    { name: 'esx2', datacenter: 'DC1', computeResource: 'cluster1', usable: false, problem: 'the host is in maintenance mode', datastores: ['ds1'], networks: [] },
  ],
  resourcePools: [{ name: 'Resources', computeResource: 'cluster1' }],
  vmFolders: [{ name: 'vm', datacenter: 'DC1' }, { name: 'restored', datacenter: 'DC1' }],
  datastores: [{ name: 'ds1', type: 'VMFS', capacityBytes: 2 ** 40, freeBytes: 2 ** 39, accessible: true }],
  networks: [{ name: 'VM Network', distributed: false }, { name: 'prod-vlan20', distributed: false }],
};

