import type { Inventory, InventoryHost } from './inventory-types';
import type { VimSession } from './vim-session';
import { asArray, asBoolean, asObject, asString, type VimObject, type VimValue } from './vim-types';

/**
 * Hardware versions a host can create VMs with, from its compute resource's
 * EnvironmentBrowser (QueryConfigOptionDescriptor): descriptors that name the
 * host (or no host at all) and do not deny creation. [] when the server cannot say.
 */
export async function supportedHardwareVersions(session: VimSession, inv: Inventory, host: InventoryHost): Promise<string[]> {
  const compute = inv.computeResources.find((c) => c.hosts.some((h) => h.value === host.ref.value));
  if (!compute?.environmentBrowser) return [];
  const answer = await session.call('QueryConfigOptionDescriptor', { _this: compute.environmentBrowser });
  const keys = asArray(answer as VimValue[] | VimValue | undefined)
    .map((d) => asObject(d))
    .filter((d) => d && asBoolean(d.createSupported) !== false)
    .filter((d) => {
      const hosts = asArray(d?.host as VimValue[] | VimValue | undefined).map((h) => asString(asObject(h)?.value) ?? asString(h));
      return hosts.length === 0 || hosts.includes(host.ref.value);
    })
    .map((d) => asString(d?.key) ?? '')
    .filter((k) => /^vmx-\d+$/.test(k));
  return [...new Set(keys)].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
}

/**
 * Guest operating systems a host can create VMs for with a hardware version
 * (its EnvironmentBrowser's QueryConfigOptionEx, for that host): ESXi refuses
 * another with UnsupportedGuest. Asked for one guest, the server answers with
 * that guest's descriptor when it knows it, else with its whole list (which
 * then lacks it). [] when the server cannot say.
 */
export async function supportedGuestIds(
  session: VimSession,
  inv: Inventory,
  host: InventoryHost,
  hardwareVersion: string | null,
  guestId: string | null,
): Promise<string[]> {
  const compute = inv.computeResources.find((c) => c.hosts.some((h) => h.value === host.ref.value));
  if (!compute?.environmentBrowser) return [];
  const spec: VimObject = { $type: 'EnvironmentBrowserConfigOptionQuerySpec', host: host.ref };
  if (hardwareVersion) spec.key = hardwareVersion;
  if (guestId) spec.guestId = [guestId];
  const answer = asObject((await session.call('QueryConfigOptionEx', { _this: compute.environmentBrowser, spec })) as VimValue);
  const ids = asArray(answer?.guestOSDescriptor as VimValue[] | VimValue | undefined)
    .map((d) => asString(asObject(d)?.id) ?? '')
    .filter((id) => id !== '');
  return [...new Set(ids)];
}

/** The networks a host's VMs can use, and which are uplink port groups (DATA-NETWORK-MAP). */
export function hostNetworks(inv: Inventory, host: InventoryHost): Array<{ name: string; uplink: boolean }> {
  return inv.networks
    .filter((n) => host.networks.some((r) => r.value === n.ref.value))
    .map((n) => ({ name: n.name, uplink: n.uplink === true }));
}
