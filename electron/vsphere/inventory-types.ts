import type { MoRef } from './vim-types';

export interface InventoryDatacenter {
  ref: MoRef;
  name: string;
  /** The folder holding it (the root folder, or a folder below it). */
  parent?: MoRef;
  vmFolder?: MoRef;
  hostFolder?: MoRef;
  datastoreFolder?: MoRef;
  networkFolder?: MoRef;
}

export interface InventoryFolder {
  ref: MoRef;
  name: string;
  parent?: MoRef;
  /** What the folder may hold: VirtualMachine, ComputeResource, Datastore, Network, Datacenter. */
  childType: string[];
}

export interface InventoryComputeResource {
  ref: MoRef;
  name: string;
  /** True for a cluster, false for a standalone host's compute resource. */
  isCluster: boolean;
  hosts: MoRef[];
  rootPool?: MoRef;
  datastores: MoRef[];
  networks: MoRef[];
  /** Answers which hardware versions and guests its hosts support (QueryConfigOptionDescriptor). */
  environmentBrowser?: MoRef;
}

export interface InventoryHost {
  ref: MoRef;
  name: string;
  parent?: MoRef;
  version: string;
  build: string;
  connectionState: 'connected' | 'disconnected' | 'notResponding' | string;
  powerState?: string;
  inMaintenanceMode: boolean;
  /** Set when a vCenter manages this host (rule CONN-HOST-MANAGED). */
  managementServerIp?: string;
  datastores: MoRef[];
  /** Networks (standard and distributed port groups) this host can connect a NIC to. */
  networks: MoRef[];
}

export type DatastoreKind = 'VMFS' | 'NFS' | 'NFS41' | 'VVOL' | 'vsan' | 'local' | string;

export interface InventoryDatastore {
  ref: MoRef;
  name: string;
  /** Its datacenter's datastore folder (or a folder / storage pod below it). */
  parent?: MoRef;
  type: DatastoreKind;
  capacityBytes: number;
  freeBytes: number;
  url: string;
  accessible: boolean;
  /** Datastore is backed by a single local disk or folder on one host. */
  local: boolean;
  /** VMFS: the disks (LUNs) its extents live on, e.g. `naa.600a0b80…` (HostVmfsVolume.extent[].diskName). */
  extents: string[];
}

export interface InventoryNetwork {
  ref: MoRef;
  name: string;
  /** Set for distributed port groups: what a NIC backing needs. */
  portgroupKey?: string;
  switchUuid?: string;
  /** A distributed switch's uplink port group: carries the hosts' physical NICs, never a VM's NIC. */
  uplink?: boolean;
}

export interface InventoryResourcePool {
  ref: MoRef;
  name: string;
  parent?: MoRef;
  owner?: MoRef;
}

export interface VmSummary {
  ref: MoRef;
  name: string;
  powerState: 'poweredOn' | 'poweredOff' | 'suspended' | string;
  guestId: string;
  guestFullName: string;
  /** Family derived from the guest id (windows, linux, other) when tools are not running. */
  guestFamily: string;
  firmware: 'bios' | 'efi' | string;
  diskCount: number;
  encrypted: boolean;
  hasVtpm: boolean;
  host?: MoRef;
  template: boolean;
  uuid?: string;
}

export interface Inventory {
  datacenters: InventoryDatacenter[];
  folders: InventoryFolder[];
  computeResources: InventoryComputeResource[];
  hosts: InventoryHost[];
  datastores: InventoryDatastore[];
  networks: InventoryNetwork[];
  resourcePools: InventoryResourcePool[];
}
