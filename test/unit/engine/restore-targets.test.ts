import { describe, expect, it } from 'vitest';
import { restoreTargetsOf } from '../../../electron/engine/restore-target-handlers';
import type { Inventory } from '../../../electron/vsphere/inventory-types';

const ref = (type: string, value: string) => ({ type, value });

const inv: Inventory = {
  datacenters: [{ ref: ref('Datacenter', 'dc1'), name: 'DC1', vmFolder: ref('Folder', 'f-vm') }],
  folders: [
    { ref: ref('Folder', 'f-vm'), name: 'vm', childType: ['VirtualMachine', 'Folder'] },
    { ref: ref('Folder', 'f-rest'), name: 'restored', parent: ref('Folder', 'f-vm'), childType: ['VirtualMachine'] },
    { ref: ref('Folder', 'f-host'), name: 'host', childType: ['ComputeResource'] },
  ],
  computeResources: [
    { ref: ref('ClusterComputeResource', 'c1'), name: 'cluster1', isCluster: true, hosts: [ref('HostSystem', 'h1'), ref('HostSystem', 'h2')], rootPool: ref('ResourcePool', 'p1'), datastores: [], networks: [ref('Network', 'n1'), ref('DistributedVirtualPortgroup', 'pg1')] },
  ],
  hosts: [
    { ref: ref('HostSystem', 'h1'), name: 'esx1', version: '8.0', build: '1', connectionState: 'connected', inMaintenanceMode: false, datastores: [ref('Datastore', 'd1')], networks: [ref('Network', 'n1'), ref('DistributedVirtualPortgroup', 'pg1'), ref('DistributedVirtualPortgroup', 'up1')] },
    { ref: ref('HostSystem', 'h2'), name: 'esx2', version: '8.0', build: '1', connectionState: 'connected', inMaintenanceMode: true, datastores: [ref('Datastore', 'd1')], networks: [] },
  ],
  datastores: [{ ref: ref('Datastore', 'd1'), name: 'ds1', type: 'VMFS', capacityBytes: 100, freeBytes: 40, url: 'ds:///1', accessible: true, local: false, extents: [] }],
  networks: [
    { ref: ref('Network', 'n1'), name: 'VM Network' },
    { ref: ref('DistributedVirtualPortgroup', 'pg1'), name: 'prod-pg', portgroupKey: 'dvportgroup-1', switchUuid: 'u' },
    { ref: ref('DistributedVirtualPortgroup', 'up1'), name: 'dvs-uplinks', portgroupKey: 'dvportgroup-2', switchUuid: 'u', uplink: true },
  ],
  resourcePools: [{ ref: ref('ResourcePool', 'p1'), name: 'Resources', owner: ref('ClusterComputeResource', 'c1') }],
};

describe('the restore wizard pickers from the live inventory', () => {
  it('names each host with its cluster, datastores and networks (never an uplink port group); a host in maintenance mode is not usable', () => {
    const t = restoreTargetsOf(inv);
    expect(t.computeResources).toEqual([{ name: 'cluster1', datacenter: 'DC1', isCluster: true, hosts: ['esx1', 'esx2'] }]);
    expect(t.hosts[0]).toEqual({ name: 'esx1', datacenter: 'DC1', computeResource: 'cluster1', usable: true, datastores: ['ds1'], networks: ['VM Network', 'prod-pg'] });
    expect(t.hosts[1]).toMatchObject({ name: 'esx2', usable: false, problem: 'the host is in maintenance mode' });
    expect(t.resourcePools).toEqual([{ name: 'Resources', computeResource: 'cluster1' }]);
    expect(t.vmFolders).toEqual([
      { name: 'restored', datacenter: 'DC1' },
      { name: 'vm', datacenter: 'DC1' },
    ]);
    expect(t.networks).toEqual([
      { name: 'prod-pg', distributed: true },
      { name: 'VM Network', distributed: false },
    ]);
    expect(t.datastores).toEqual([{ name: 'ds1', type: 'VMFS', capacityBytes: 100, freeBytes: 40, accessible: true }]);
  });
});
