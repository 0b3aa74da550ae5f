import { retrieveAll, retrievePages, type ObjectProperties } from './property-collector';
import { inventoryTraversal, vmTraversal } from './inventory-traversal';
import type {
  Inventory,
  InventoryComputeResource,
  InventoryDatastore,
  InventoryHost,
  InventoryNetwork,
  VmSummary,
} from './inventory-types';
import type { VimSession } from './vim-session';
import { asArray, asBoolean, asNumber, asObject, asString, type MoRef, type VimValue } from './vim-types';

const refs = (v: VimValue): MoRef[] => asArray(v as MoRef | MoRef[] | undefined);
const ref = (v: VimValue): MoRef | undefined => (v && typeof v === 'object' && 'value' in v ? (v as MoRef) : undefined);
const str = (v: VimValue): string => asString(v) ?? '';

/** Reads datacenters, folders, clusters, hosts, datastores, networks and resource pools in one paged pass. */
export async function fetchInventory(session: VimSession, pageSize = 1000): Promise<Inventory> {
  const objects = await retrieveAll(
    session,
    {
      root: session.serviceContent.rootFolder,
      includeRoot: true,
      traversal: inventoryTraversal,
      properties: [
        { type: 'Folder', pathSet: ['name', 'parent', 'childType'] },
        { type: 'Datacenter', pathSet: ['name', 'parent', 'vmFolder', 'hostFolder', 'datastoreFolder', 'networkFolder'] },
        { type: 'ComputeResource', pathSet: ['name', 'host', 'resourcePool', 'datastore', 'network', 'environmentBrowser'] },
        {
          type: 'HostSystem',
          pathSet: [
            'name',
            'parent',
            'summary.config.product.version',
            'summary.config.product.build',
            'runtime.connectionState',
            'runtime.powerState',
            'runtime.inMaintenanceMode',
            'summary.managementServerIp',
            'datastore',
            'network',
          ],
        },
        { type: 'Datastore', pathSet: ['name', 'parent', 'summary.type', 'summary.capacity', 'summary.freeSpace', 'summary.url', 'summary.accessible', 'summary.multipleHostAccess', 'info'] },
        { type: 'Network', pathSet: ['name'] },
        { type: 'DistributedVirtualPortgroup', pathSet: ['name', 'key', 'config.distributedVirtualSwitch', 'config.uplink'] },
        { type: 'ResourcePool', pathSet: ['name', 'parent', 'owner'] },
      ],
    },
    pageSize,
  );
  const inv: Inventory = { datacenters: [], folders: [], computeResources: [], hosts: [], datastores: [], networks: [], resourcePools: [] };
  const seen = new Set<string>();
  for (const o of objects) {
    // Traversal can reach an object twice (e.g. a pool via two paths); keep the first.
    const id = `${o.obj.type}:${o.obj.value}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const p = o.props;
    switch (o.obj.type) {
      case 'Folder':
        inv.folders.push({ ref: o.obj, name: str(p.name), parent: ref(p.parent), childType: asArray(p.childType as string[]).map(String) });
        break;
      case 'Datacenter':
        inv.datacenters.push({
          ref: o.obj,
          name: str(p.name),
          parent: ref(p.parent),
          vmFolder: ref(p.vmFolder),
          hostFolder: ref(p.hostFolder),
          datastoreFolder: ref(p.datastoreFolder),
          networkFolder: ref(p.networkFolder),
        });
        break;
      case 'ComputeResource':
      case 'ClusterComputeResource':
        inv.computeResources.push(readComputeResource(o));
        break;
      case 'HostSystem':
        inv.hosts.push(readHost(o));
        break;
      case 'Datastore':
        inv.datastores.push(readDatastore(o));
        break;
      case 'Network':
      case 'OpaqueNetwork':
      case 'DistributedVirtualPortgroup':
        inv.networks.push(readNetwork(o));
        break;
      case 'ResourcePool':
      case 'VirtualApp':
        inv.resourcePools.push({ ref: o.obj, name: str(p.name), parent: ref(p.parent), owner: ref(p.owner) });
        break;
    }
  }
  await fillSwitchUuids(session, inv.networks);
  return inv;
}

function readComputeResource(o: ObjectProperties): InventoryComputeResource {
  return {
    ref: o.obj,
    name: str(o.props.name),
    isCluster: o.obj.type === 'ClusterComputeResource',
    hosts: refs(o.props.host),
    rootPool: ref(o.props.resourcePool),
    datastores: refs(o.props.datastore),
    networks: refs(o.props.network),
    environmentBrowser: ref(o.props.environmentBrowser),
  };
}

function readHost(o: ObjectProperties): InventoryHost {
  const p = o.props;
  const mgmt = asString(p['summary.managementServerIp']);
  return {
    ref: o.obj,
    name: str(p.name),
    parent: ref(p.parent),
    version: str(p['summary.config.product.version']),
    build: str(p['summary.config.product.build']),
    connectionState: str(p['runtime.connectionState']),
    powerState: asString(p['runtime.powerState']),
    inMaintenanceMode: asBoolean(p['runtime.inMaintenanceMode']) ?? false,
    managementServerIp: mgmt ? mgmt : undefined,
    datastores: refs(p.datastore),
    networks: refs(p.network),
  };
}

function readDatastore(o: ObjectProperties): InventoryDatastore {
  const p = o.props;
  const type = str(p['summary.type']);
  const shared = asBoolean(p['summary.multipleHostAccess']);
  return {
    ref: o.obj,
    name: str(p.name),
    parent: ref(p.parent),
    type,
    capacityBytes: asNumber(p['summary.capacity']) ?? 0,
    freeBytes: asNumber(p['summary.freeSpace']) ?? 0,
    url: str(p['summary.url']),
    accessible: asBoolean(p['summary.accessible']) ?? true,
    local: type === 'local' || (type === 'VMFS' && shared === false) || type === 'OTHER',
    extents: vmfsExtents(p.info),
  };
}

/** VmfsDatastoreInfo.vmfs.extent[].diskName: the LUNs a VMFS volume spans (none for other kinds). */
function vmfsExtents(info: VimValue): string[] {
  const vmfs = asObject(asObject(info)?.vmfs);
  return asArray(vmfs?.extent as VimValue[] | VimValue | undefined)
    .map((e) => asString(asObject(e)?.diskName))
    .filter((n): n is string => Boolean(n));
}

function readNetwork(o: ObjectProperties): InventoryNetwork {
  const p = o.props;
  const net: InventoryNetwork = { ref: o.obj, name: str(p.name) };
  if (o.obj.type === 'DistributedVirtualPortgroup') {
    net.portgroupKey = asString(p.key) ?? o.obj.value;
    net.uplink = asBoolean(p['config.uplink']) ?? false;
    const dvs = ref(p['config.distributedVirtualSwitch']);
    if (dvs) (net as InventoryNetwork & { dvs?: MoRef }).dvs = dvs;
  }
  return net;
}

async function fillSwitchUuids(session: VimSession, networks: InventoryNetwork[]): Promise<void> {
  const bySwitch = new Map<string, { dvs: MoRef; nets: InventoryNetwork[] }>();
  for (const n of networks as Array<InventoryNetwork & { dvs?: MoRef }>) {
    if (!n.dvs) continue;
    const entry = bySwitch.get(n.dvs.value) ?? { dvs: n.dvs, nets: [] };
    entry.nets.push(n);
    bySwitch.set(n.dvs.value, entry);
    delete n.dvs;
  }
  for (const { dvs, nets } of bySwitch.values()) {
    const [found] = await retrieveAll(session, { root: dvs, includeRoot: true, properties: [{ type: dvs.type, pathSet: ['uuid'] }] });
    const uuid = asString(found?.props.uuid);
    for (const n of nets) n.switchUuid = uuid;
  }
}

/** Rule CONN-HOST-MANAGED: connected straight to an ESXi host that a vCenter manages. */
export function isManagedHostDirectConnection(apiType: string, hosts: InventoryHost[]): boolean {
  return apiType === 'HostAgent' && hosts.some((h) => Boolean(h.managementServerIp));
}

const VM_SUMMARY_PATHS = [
  'name',
  'runtime.powerState',
  'runtime.host',
  'summary.config.guestId',
  'summary.config.guestFullName',
  'summary.config.numVirtualDisks',
  'summary.config.template',
  'summary.config.uuid',
  'summary.config.tpmPresent',
  'config.firmware',
  'config.keyId',
  'guest.guestFamily',
];

function guestFamilyOf(guestId: string, reported: string | undefined): string {
  if (reported) return reported;
  if (/^win/i.test(guestId)) return 'windowsGuest';
  if (/darwin/i.test(guestId)) return 'darwinGuestFamily';
  if (/solaris/i.test(guestId)) return 'solarisGuest';
  if (/netware/i.test(guestId)) return 'netwareGuest';
  if (guestId && guestId !== 'otherGuest' && guestId !== 'otherGuest64') return 'linuxGuest';
  return 'otherGuestFamily';
}

function readVmSummary(o: ObjectProperties): VmSummary {
  const p = o.props;
  const guestId = str(p['summary.config.guestId']);
  return {
    ref: o.obj,
    name: str(p.name),
    powerState: str(p['runtime.powerState']),
    guestId,
    guestFullName: str(p['summary.config.guestFullName']),
    guestFamily: guestFamilyOf(guestId, asString(p['guest.guestFamily']) || undefined),
    firmware: asString(p['config.firmware']) || 'bios',
    diskCount: asNumber(p['summary.config.numVirtualDisks']) ?? 0,
    encrypted: Boolean(asString(asObject(p['config.keyId'])?.keyId)),
    hasVtpm: asBoolean(p['summary.config.tpmPresent']) ?? false,
    host: ref(p['runtime.host']),
    template: asBoolean(p['summary.config.template']) ?? false,
    uuid: asString(p['summary.config.uuid']),
  };
}

/** Streams VM summaries page by page (for the VM picker with thousands of VMs). */
export async function* listVmPages(session: VimSession, pageSize = 500): AsyncGenerator<VmSummary[]> {
  const pages = retrievePages(
    session,
    {
      root: session.serviceContent.rootFolder,
      traversal: vmTraversal,
      properties: [{ type: 'VirtualMachine', pathSet: VM_SUMMARY_PATHS }],
    },
    pageSize,
  );
  for await (const page of pages) yield page.map(readVmSummary);
}

/** All VM summaries. */
export async function listVms(session: VimSession, pageSize = 500): Promise<VmSummary[]> {
  const all: VmSummary[] = [];
  for await (const page of listVmPages(session, pageSize)) all.push(...page);
  return all;
}
