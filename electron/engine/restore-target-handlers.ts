import type { RestoreTargets, VmNameCheck } from '../api/schemas/restore-target-schema';
import { openConnection } from '../connections/open-connection';
import type { ConnectionStore } from '../connections/connection-store';
import { BadInputError } from '../errors/lifeboat-error';
import type { SecretStore } from '../keychain/secret-store';
import { datacenterMembership } from '../vsphere/datacenter-membership';
import { hostNetworks } from '../vsphere/host-capabilities';
import { fetchInventory, listVms } from '../vsphere/inventory';
import type { Inventory, InventoryFolder } from '../vsphere/inventory-types';
import type { VimSession } from '../vsphere/vim-session';

const byName = <T extends { name: string }>(list: T[]): T[] => [...list].sort((a, b) => a.name.localeCompare(b.name));

/** The datacenter a folder belongs to: walk up to a datacenter's VM folder. */
function folderDatacenter(inv: Inventory, folder: InventoryFolder): string | null {
  const folders = new Map(inv.folders.map((f) => [f.ref.value, f]));
  for (let f: InventoryFolder | undefined = folder; f; f = f.parent ? folders.get(f.parent.value) : undefined) {
    const dc = inv.datacenters.find((d) => d.vmFolder?.value === f!.ref.value);
    if (dc) return dc.name;
  }
  return null;
}

function hostProblem(connectionState: string, maintenance: boolean): string | undefined {
  if (connectionState !== 'connected') return `the host is ${connectionState}`;
  if (maintenance) return 'the host is in maintenance mode';
  return undefined;
}

/** Shapes the live inventory into what the restore wizard's pickers offer (names only, sorted). */
export function restoreTargetsOf(inv: Inventory, member: Map<string, string> = new Map()): RestoreTargets {
  const name = (list: Array<{ ref: { value: string }; name: string }>, value: string): string | undefined => list.find((x) => x.ref.value === value)?.name;
  // Without a membership map, one datacenter (the usual restore target) holds everything.
  const onlyDatacenter = inv.datacenters.length === 1 ? inv.datacenters[0]!.name : null;
  const datacenterOf = (value: string): string | null => member.get(value) ?? onlyDatacenter;
  return {
    datacenters: byName(inv.datacenters.map((d) => ({ name: d.name }))),
    computeResources: byName(
      inv.computeResources.map((c) => ({
        name: c.name,
        datacenter: datacenterOf(c.ref.value),
        isCluster: c.isCluster,
        hosts: c.hosts.map((h) => name(inv.hosts, h.value)).filter((n): n is string => n !== undefined),
      })),
    ),
    hosts: byName(
      inv.hosts.map((h) => {
        const owner = inv.computeResources.find((c) => c.hosts.some((r) => r.value === h.ref.value));
        const problem = hostProblem(h.connectionState, h.inMaintenanceMode);
        return {
          name: h.name,
          datacenter: datacenterOf(h.ref.value),
          computeResource: owner?.name ?? null,
          usable: problem === undefined,
          ...(problem ? { problem } : {}),
          datastores: h.datastores.map((d) => name(inv.datastores, d.value)).filter((n): n is string => n !== undefined),
          // An uplink port group cannot take a VM's NIC (DATA-NETWORK-MAP): it is never offered.
          networks: hostNetworks(inv, h)
            .filter((n) => !n.uplink)
            .map((n) => n.name),
        };
      }),
    ),
    resourcePools: byName(
      inv.resourcePools.map((p) => ({ name: p.name, computeResource: p.owner ? (name(inv.computeResources, p.owner.value) ?? null) : null })),
    ),
    vmFolders: byName(
      inv.folders.filter((f) => f.childType.includes('VirtualMachine')).map((f) => ({ name: f.name, datacenter: member.get(f.ref.value) ?? folderDatacenter(inv, f) })),
    ),
    datastores: byName(
      inv.datastores.map((d) => ({ name: d.name, type: d.type, capacityBytes: d.capacityBytes, freeBytes: d.freeBytes, accessible: d.accessible })),
    ),
    networks: byName(inv.networks.filter((n) => n.uplink !== true).map((n) => ({ name: n.name, distributed: n.portgroupKey !== undefined }))),
  };
}

/** inventory.restoreTargets and inventory.vmNameInUse: live reads for the restore wizard, one session per call. */
export class RestoreTargetHandlers {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly secrets: SecretStore,
  ) {}

  private async withSession<T>(connection: string, fn: (session: VimSession) => Promise<T>): Promise<T> {
    const profile = await this.connections.get(connection);
    if (!profile) throw new BadInputError(`there is no saved connection named "${connection}"`, 'connection-not-found', 'Add it on the Connections page, or pick another.');
    const session = await openConnection(profile, this.secrets);
    try {
      return await fn(session);
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  restoreTargets(connection: string): Promise<RestoreTargets> {
    return this.withSession(connection, async (session) => {
      const inv = await fetchInventory(session);
      return restoreTargetsOf(inv, inv.datacenters.length > 1 ? await datacenterMembership(session, inv) : undefined);
    });
  }

  /** vSphere refuses a second VM of the same name in one folder; the wizard says so before the plan does. */
  vmNameInUse(connection: string, vmName: string): Promise<VmNameCheck> {
    const wanted = vmName.trim();
    return this.withSession(connection, async (session) => ({
      name: wanted,
      inUse: (await listVms(session)).some((vm) => vm.name === wanted),
    }));
  }
}
