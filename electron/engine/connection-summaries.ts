import type { ConnectionSummary } from '../api/schemas/connection-schema';
import { hasSavedConnectionPassword } from '../connections/connection-profile';
import type { ConnectionStore } from '../connections/connection-store';
import type { SecretStore } from '../keychain/secret-store';

function kindOf(apiType: string | undefined): ConnectionSummary['kind'] {
  if (apiType === 'VirtualCenter') return 'vcenter';
  if (apiType === 'HostAgent') return 'esxi';
  return 'unknown';
}

/**
 * Saved connections as the renderer may see them: whether the keychain holds a
 * password, never the password. A keychain that cannot be reached reads as "not saved".
 */
export async function listConnectionSummaries(store: ConnectionStore, secrets: SecretStore): Promise<ConnectionSummary[]> {
  const profiles = await store.list();
  const saved = new Set(await secrets.accounts().catch(() => [] as string[]));
  return profiles.map((p) => ({
    name: p.name,
    url: p.url,
    user: p.user,
    kind: kindOf(p.apiType),
    hasSavedPassword: hasSavedConnectionPassword(p, saved),
    thumbprintSha256: p.thumbprintSha256,
  }));
}
