import { ConnectionStore } from '../connections/connection-store';
import { parseServerUrl } from '../vsphere/server-url';
import type { LabInfo } from './lab-info';

/** The saved connection every running lab gets, so restores and backups can say `--connection lab`. */
export const LAB_CONNECTION_NAME = 'lab';

/**
 * Saves the running lab as connection "lab": its certificate trusted (the lab
 * made it a moment ago), its password already in the keychain under the same
 * `user@host:port` account the connect command uses.
 */
export async function saveLabConnection(home: string, info: Pick<LabInfo, 'url' | 'username' | 'thumbprintSha1' | 'thumbprintSha256' | 'mode'>): Promise<void> {
  const address = parseServerUrl(info.url);
  const now = new Date().toISOString();
  await new ConnectionStore(home).save({
    name: LAB_CONNECTION_NAME,
    url: address.url,
    server: address.server,
    user: info.username,
    thumbprintSha256: info.thumbprintSha256,
    thumbprintSha1: info.thumbprintSha1,
    trustedAt: now,
    addedAt: now,
    apiType: info.mode === 'vcenter' ? 'VirtualCenter' : 'HostAgent',
    product: `Lifeboat lab (vcsim, ${info.mode} mode)`,
  });
}

/** Removes the "lab" connection if it still points at this lab. */
export async function removeLabConnection(home: string, url: string): Promise<void> {
  const store = new ConnectionStore(home);
  const saved = await store.get(LAB_CONNECTION_NAME);
  if (saved && saved.url === parseServerUrl(url).url) await store.remove(LAB_CONNECTION_NAME);
}
