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

/**
 * Asks vCenter's key provider for a new key (CryptoManagerKmip.GenerateKey):
 * the "encrypt with new keys" fallback when the original key is out of reach.
 */
export async function generateKey(session: VimSession, providerId?: string): Promise<{ keyId: string; providerId: string }> {
  const manager = asMoRef(session.serviceContent.raw.cryptoManager);
  if (!manager || session.isHostAgent) throw new Error('new keys come from a vCenter key provider; a standalone ESXi host has none');
  const result = asObject(await session.call('GenerateKey', { _this: manager, ...(providerId ? { keyProvider: { $type: 'KeyProviderId', id: providerId } } : {}) })) ?? {};
  const key = asObject(result.keyId) ?? {};
  const keyId = asString(key.keyId);
  const provider = asString(asObject(key.providerId)?.id);
  if (!asBoolean(result.success) || !keyId || !provider) {
    throw new Error(`the key provider${providerId ? ` ${providerId}` : ''} did not generate a key${asString(result.reason) ? `: ${asString(result.reason)}` : ''}`);
  }
  return { keyId, providerId: provider };
}
