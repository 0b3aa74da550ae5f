import type { VimSession } from './vim-session';
import { asArray, asBoolean, asMoRef, asNumber, asObject, asString, type VimObject } from './vim-types';

/** A key provider (KMS cluster) registered in vCenter. */
export interface KeyProvider {
  id: string;
  isDefault: boolean;
  servers: Array<{ name: string; address: string; port: number }>;
}

/**
 * Key providers vCenter knows (ServiceContent.cryptoManager → ListKmipServers).
 * A standalone ESXi host has none to list: it receives keys from a vCenter.
 */
export async function listKeyProviders(session: VimSession): Promise<KeyProvider[]> {
  const manager = asMoRef(session.serviceContent.raw.cryptoManager);
  if (!manager || session.isHostAgent) return [];
  const result = await session.call('ListKmipServers', { _this: manager });
  return asArray(result as VimObject[] | VimObject | undefined).map((raw) => {
    const c = asObject(raw) ?? {};
    return {
      id: asString(asObject(c.clusterId)?.id) ?? '',
      isDefault: asBoolean(c.useAsDefault) ?? false,
      servers: asArray(c.servers as VimObject[] | VimObject | undefined).map((s) => ({
        name: asString(s.name) ?? '',
        address: asString(s.address) ?? '',
        port: asNumber(s.port) ?? 5696,
      })),
    };
  });
}

/** Whether vCenter can serve the key a saved encrypted VM used (restore with the same key). */
export async function keyIsAvailable(session: VimSession, keyId: string, providerId: string): Promise<boolean> {
  const manager = asMoRef(session.serviceContent.raw.cryptoManager);
  if (!manager || session.isHostAgent) return false;
  const keys = await session.call('ListKeys', { _this: manager });
  return asArray(keys as VimObject[] | VimObject | undefined).some(
    (k) => asString(k.keyId) === keyId && asString(asObject(k.providerId)?.id) === providerId,
  );
}
