import type { SecretStore } from '../keychain/secret-store';
import { keychainAccount, legacyKeychainAccount, type ConnectionProfile } from './connection-profile';

type ProfileKey = Pick<ConnectionProfile, 'name' | 'user' | 'server'>;

/**
 * Reads a connection's password. A password saved by an earlier version under
 * the shared `user@server` account is copied to the connection's own account
 * on first use (the shared entry stays for other connections until the last
 * of them is removed), so the migration needs no step from the user.
 */
export async function readConnectionPassword(profile: ProfileKey, secrets: SecretStore): Promise<string | null> {
  const own = await secrets.get(keychainAccount(profile));
  if (own !== null) return own;
  const legacy = await secrets.get(legacyKeychainAccount(profile));
  if (legacy !== null) await secrets.set(keychainAccount(profile), legacy);
  return legacy;
}

/**
 * Deletes the password of a connection that was removed. The legacy shared
 * entry is deleted only when no remaining connection has the same user@server.
 * Returns whether anything was deleted.
 */
export async function forgetConnectionPassword(
  removed: ProfileKey,
  remaining: ProfileKey[],
  secrets: SecretStore,
): Promise<boolean> {
  let deleted = await secrets.delete(keychainAccount(removed));
  const legacy = legacyKeychainAccount(removed);
  if (!remaining.some((p) => legacyKeychainAccount(p) === legacy)) deleted = (await secrets.delete(legacy)) || deleted;
  return deleted;
}
