import { KeychainUnavailableError, type SecretStore } from '../keychain/secret-store';
import { CertificateChangedError } from '../vsphere/certificate-errors';
import { fetchInventory, isManagedHostDirectConnection, listVms } from '../vsphere/inventory';
import type { InventoryDatastore, VmSummary } from '../vsphere/inventory-types';
import { probeCertificate } from '../vsphere/pinned-tls';
import { parseServerUrl } from '../vsphere/server-url';
import { sameThumbprint, type CertificateThumbprints } from '../vsphere/thumbprint';
import { VimSession } from '../vsphere/vim-session';
import { forgetConnectionPassword } from './connection-password';
import { keychainAccount, type ConnectionProfile } from './connection-profile';
import type { ConnectionStore } from './connection-store';
import { openConnection } from './open-connection';

/** What the user must see before trusting a server's certificate (CONN-THUMBPRINT). */
export interface ServerProbe {
  server: string;
  url: string;
  thumbprints: CertificateThumbprints;
  /** new: never trusted; trusted: matches a saved connection; changed: differs from a saved one (possible interception). */
  trust: 'new' | 'trusted' | 'changed';
}

/** Reads a server's certificate without trusting it, and compares it with what was trusted before for that server. */
export async function probeServer(input: string, store: ConnectionStore): Promise<ServerProbe> {
  const address = parseServerUrl(input);
  const thumbprints = await probeCertificate({ host: address.host, port: address.port });
  const earlier = (await store.list()).filter((p) => p.server === address.server);
  const trust =
    earlier.length === 0 ? 'new' : earlier.every((p) => sameThumbprint(p.thumbprintSha256, thumbprints.sha256)) ? 'trusted' : 'changed';
  return { server: address.server, url: address.url, thumbprints, trust };
}

export interface AddConnectionRequest {
  url: string;
  user: string;
  password: string;
  name?: string;
  /** The SHA-256 thumbprint the user confirmed; the certificate must still be exactly this one. */
  trustSha256: string;
  /** false: keep the password out of the keychain (none, or not wanted); it is then given per session (CONN-NO-KEYCHAIN). */
  savePassword?: boolean;
}

/**
 * Saves a connection after an explicit trust decision and one successful
 * login: the profile (no secret) in the store, the password in the keychain
 * unless `savePassword` is false. Nothing is saved when the certificate
 * changed, the login fails or the keychain refuses the password.
 */
export async function addConnection(request: AddConnectionRequest, store: ConnectionStore, secrets: SecretStore): Promise<ConnectionProfile> {
  const address = parseServerUrl(request.url);
  const name = request.name?.trim() || address.server;
  if (await store.get(name)) throw new Error(`A connection named "${name}" already exists; remove it first or choose another name.`);
  const seen = await probeCertificate({ host: address.host, port: address.port });
  if (!sameThumbprint(seen.sha256, request.trustSha256)) throw new CertificateChangedError(address.server, request.trustSha256, seen);
  const session = await VimSession.connect({
    url: address.url,
    username: request.user,
    password: async () => request.password,
    trustedSha256: seen.sha256,
  });
  const about = session.serviceContent.about;
  await session.close();
  const now = new Date().toISOString();
  const profile: ConnectionProfile = {
    name,
    url: address.url,
    server: address.server,
    user: request.user,
    thumbprintSha256: seen.sha256,
    thumbprintSha1: seen.sha1,
    trustedAt: now,
    addedAt: now,
    apiType: about.apiType,
    product: about.fullName,
  };
  if (request.savePassword !== false) await secrets.set(keychainAccount(profile), request.password);
  await store.save(profile);
  return profile;
}

export interface ConnectionTestResult {
  name: string;
  server: string;
  product: string;
  apiType: string;
  apiVersion: string;
  user: string;
  counts: { datacenters: number; hosts: number; datastores: number; networks: number };
  findings: Array<{ rule: string; severity: 'block' | 'warn' | 'info'; message: string }>;
}

async function withSession<T>(name: string, store: ConnectionStore, secrets: SecretStore, fn: (s: VimSession, p: ConnectionProfile) => Promise<T>): Promise<T> {
  const profile = await store.get(name);
  if (!profile) throw new Error(`There is no saved connection named "${name}".`);
  const session = await openConnection(profile, secrets);
  try {
    return await fn(session, profile);
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** Logs in with a saved connection (pinned certificate, keychain password) and reports what it found and the CONN-* findings. */
export function testConnection(name: string, store: ConnectionStore, secrets: SecretStore): Promise<ConnectionTestResult> {
  return withSession(name, store, secrets, async (session, profile) => {
    const about = session.serviceContent.about;
    const inv = await fetchInventory(session);
    const findings: ConnectionTestResult['findings'] = [];
    if (isManagedHostDirectConnection(about.apiType, inv.hosts)) {
      const ip = inv.hosts.find((h) => h.managementServerIp)?.managementServerIp;
      findings.push({
        rule: 'CONN-HOST-MANAGED',
        severity: 'block',
        message: `This ESXi host is managed by vCenter ${ip ?? ''}: restores that write must go through that vCenter, or (in a disaster) disassociate the host first.`,
      });
    }
    return {
      name: profile.name,
      server: profile.server,
      product: about.fullName,
      apiType: about.apiType,
      apiVersion: about.apiVersion,
      user: session.userName ?? profile.user,
      counts: { datacenters: inv.datacenters.length, hosts: inv.hosts.length, datastores: inv.datastores.length, networks: inv.networks.length },
      findings,
    };
  });
}

/** Every VM the connection sees (PropertyCollector paging underneath). */
export function listConnectionVms(name: string, store: ConnectionStore, secrets: SecretStore): Promise<VmSummary[]> {
  return withSession(name, store, secrets, (session) => listVms(session));
}

/** The datastores the connection sees (for choosing a restore target). */
export function listConnectionDatastores(name: string, store: ConnectionStore, secrets: SecretStore): Promise<InventoryDatastore[]> {
  return withSession(name, store, secrets, async (session) => (await fetchInventory(session)).datastores);
}

/** Deletes a saved connection and its keychain password; returns whether a password was removed. */
export async function removeConnection(name: string, store: ConnectionStore, secrets: SecretStore): Promise<{ passwordRemoved: boolean }> {
  const removed = await store.remove(name);
  if (!removed) throw new Error(`There is no saved connection named "${name}".`);
  // Without a keychain nothing was saved there: removing the connection still succeeds.
  const passwordRemoved = await forgetConnectionPassword(removed, await store.list(), secrets).catch((err: unknown) => {
    if (err instanceof KeychainUnavailableError) return false;
    throw err;
  });
  return { passwordRemoved };
}
