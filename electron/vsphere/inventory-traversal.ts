import type { TraversalSpec } from './property-collector';

/**
 * Walks the whole inventory from the root folder: folders, datacenters and
 * their four folders, compute resources (clusters and standalone hosts) with
 * their hosts and resource-pool trees.
 */
export const inventoryTraversal: TraversalSpec[] = [
  { name: 'folderToChildren', type: 'Folder', path: 'childEntity', selectSet: ['folderToChildren', 'dcToVm', 'dcToHost', 'dcToDatastore', 'dcToNetwork', 'crToHost', 'crToPool'] },
  { name: 'dcToVm', type: 'Datacenter', path: 'vmFolder', selectSet: ['folderToChildren'] },
  { name: 'dcToHost', type: 'Datacenter', path: 'hostFolder', selectSet: ['folderToChildren'] },
  { name: 'dcToDatastore', type: 'Datacenter', path: 'datastoreFolder', selectSet: ['folderToChildren'] },
  { name: 'dcToNetwork', type: 'Datacenter', path: 'networkFolder', selectSet: ['folderToChildren'] },
  { name: 'crToHost', type: 'ComputeResource', path: 'host' },
  { name: 'crToPool', type: 'ComputeResource', path: 'resourcePool', selectSet: ['poolToPool'] },
  { name: 'poolToPool', type: 'ResourcePool', path: 'resourcePool', selectSet: ['poolToPool'] },
];

/** Only as far as the virtual machines (the VM list does not need hosts or pools). */
export const vmTraversal: TraversalSpec[] = [
  { name: 'folderToChildren', type: 'Folder', path: 'childEntity', selectSet: ['folderToChildren', 'dcToVm'] },
  { name: 'dcToVm', type: 'Datacenter', path: 'vmFolder', selectSet: ['folderToChildren'] },
];
