import type { SecretStore } from '../keychain/secret-store';
import { VimSession } from '../vsphere/vim-session';
import { readConnectionPassword } from './connection-password';
import { keychainAccount, type ConnectionProfile } from './connection-profile';

/** No password is saved for the profile. */
export class MissingCredentialError extends Error {
  constructor(readonly account: string) {
    super(`No saved password for ${account} in the OS keychain. Add the connection again (lifeboat connect add) to save it.`);
    this.name = 'MissingCredentialError';
  }
}

/**
 * Opens a session for a saved profile: the certificate must match the trusted
 * thumbprint (CONN-THUMBPRINT), and the password is read from the keychain
 * only when a login happens.
 */
export function openConnection(profile: ConnectionProfile, secrets: SecretStore, options: { keepaliveMs?: number } = {}): Promise<VimSession> {
  const account = keychainAccount(profile);
  return VimSession.connect({
    url: profile.url,
    username: profile.user,
    trustedSha256: profile.thumbprintSha256,
    keepaliveMs: options.keepaliveMs,
    password: async () => {
      const secret = await readConnectionPassword(profile, secrets);
      if (secret === null) throw new MissingCredentialError(account);
      return secret;
    },
  });
}
