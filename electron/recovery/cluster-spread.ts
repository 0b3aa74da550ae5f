/** One VM to place on a cluster's hosts: the hosts that can take it (connected, reaching its datastore) and its bytes. */
export interface SpreadVm {
  key: string;
  group: string;
  bytesToWrite: number;
  hosts: readonly string[];
  /** A VM the file puts on one host (host:): not moved, but its bytes count on that host. */
  pinned?: boolean;
}

/**
 * Spreads a cluster's VMs over its hosts, group by group (a group runs at
 * once, so that is where balance matters): largest VM first, each to the
 * host with the fewest bytes of its group so far, then of the whole plan,
 * then by name. VMs pinned to a host count there first. Deterministic: the
 * same plan always lands the same way.
 */
export function spreadOverHosts(vms: readonly SpreadVm[]): Map<string, string> {
  const placed = new Map<string, string>();
  const planBytes = new Map<string, number>();
  const groups = [...new Set(vms.map((v) => v.group))];
  for (const group of groups) {
    const groupBytes = new Map<string, number>();
    const members = vms
      .filter((v) => v.group === group)
      .sort((a, b) => Number(Boolean(b.pinned)) - Number(Boolean(a.pinned)) || b.bytesToWrite - a.bytesToWrite || a.key.localeCompare(b.key));
    for (const vm of members) {
      const host = [...vm.hosts].sort(
        (a, b) => (groupBytes.get(a) ?? 0) - (groupBytes.get(b) ?? 0) || (planBytes.get(a) ?? 0) - (planBytes.get(b) ?? 0) || a.localeCompare(b),
      )[0];
      if (host === undefined) continue;
      placed.set(vm.key, host);
      groupBytes.set(host, (groupBytes.get(host) ?? 0) + vm.bytesToWrite);
      planBytes.set(host, (planBytes.get(host) ?? 0) + vm.bytesToWrite);
    }
  }
  return placed;
}
