import type { TargetNetwork } from '../vsphere/config-spec-builder';
import type { Inventory, InventoryHost, InventoryNetwork } from '../vsphere/inventory-types';
import type { SavedNic } from '../vsphere/vm-config-info';
import { RestoreRuleError } from './restore-rule-error';

function asTarget(n: InventoryNetwork): TargetNetwork {
  return n.portgroupKey && n.switchUuid ? { kind: 'distributed', portgroupKey: n.portgroupKey, switchUuid: n.switchUuid, ref: n.ref } : { kind: 'standard', name: n.name, ref: n.ref };
}

/**
 * DATA-NETWORK-MAP: each NIC goes to its mapped network, else to the network
 * of the same name, else to the first usable network (the plan's warning says
 * which). Only networks the chosen host has count, and never an uplink port
 * group (it carries the host's physical NICs). A mapping to anything else is
 * refused before the VM is created.
 */
export function mapNetworks(
  inv: Inventory,
  host: InventoryHost,
  networkMap: Record<string, string> | undefined,
  nics: SavedNic[],
): { mapping: Record<string, TargetNetwork>; fallback?: TargetNetwork } {
  const usable = inv.networks.filter((n) => host.networks.some((r) => r.value === n.ref.value) && !n.uplink);
  const find = (name: string) => usable.find((x) => x.name === name || x.portgroupKey === name);
  const mapping: Record<string, TargetNetwork> = {};
  for (const nic of nics) {
    // A distributed port group NIC carries the port group key; the plan shows (and maps by) its name.
    const shownAs = inv.networks.find((n) => n.portgroupKey === nic.sourceNetwork)?.name;
    const mapped = networkMap?.[nic.sourceNetwork] ?? (shownAs ? networkMap?.[shownAs] : undefined);
    const found = find(mapped ?? nic.sourceNetwork);
    if (found) mapping[nic.sourceNetwork] = asTarget(found);
    else if (mapped) {
      const uplink = inv.networks.some((n) => n.name === mapped && n.uplink);
      throw new RestoreRuleError(
        'DATA-NETWORK-MAP',
        `network "${mapped}" (mapped from ${nic.sourceNetwork}) is not a network host ${host.name} can give a VM${uplink ? ' (it is an uplink port group)' : ''}`,
        `Map it to one of: ${usable.map((n) => n.name).join(', ') || '(none)'}.`,
      );
    }
  }
  const first = usable[0];
  return { mapping, fallback: first ? asTarget(first) : undefined };
}
