import { BadInputError } from '../errors/lifeboat-error';
import { KeychainUnavailableError, type SecretStore } from '../keychain/secret-store';
import { VimSession } from '../vsphere/vim-session';
import { readConnectionPassword } from './connection-password';
import { keychainAccount, type ConnectionProfile } from './connection-profile';

const SESSION_HINT =
  'Give the password for this session (--connection-password-file FILE or --connection-password-stdin), ' +
  'or save it with `lifeboat connect remove NAME` and `lifeboat connect add` again.';

/** No password is saved for the profile, or the keychain that would hold it is not there; none was given for the session. */
export class MissingCredentialError extends BadInputError {
  constructor(
    readonly account: string,
    /** The saved connection's name: a UI asks for its password (WireError.connection). */
    readonly connection: string,
    keychainProblem?: string,
  ) {
    super(
      keychainProblem
        ? `no password for ${account}: ${keychainProblem}, and none was given for this session`
        : `no saved password for ${account} in the OS keychain, and none was given for this session`,
      'missing-credential',
      SESSION_HINT,
    );
    this.name = 'MissingCredentialError';
  }
}

/**
 * Whether the keychain answers. Keychain libraries report "nothing saved"
 * when no Secret Service exists (a read returns null), so a miss is checked
 * before it is reported as "not saved".
 */
async function keychainProblem(secrets: SecretStore): Promise<string | undefined> {
  try {
    await secrets.accounts();
    return undefined;
  } catch (err) {
    return err instanceof KeychainUnavailableError ? err.message : String(err);
  }
}

/** The connection's password: from the session, else the keychain; a clear error when there is none. */
export async function requireConnectionPassword(profile: ConnectionProfile, secrets: SecretStore): Promise<string> {
  const secret = await readConnectionPassword(profile, secrets).catch((err: unknown) => {
    if (err instanceof KeychainUnavailableError) return null;
    throw err;
  });
  if (secret !== null) return secret;
  throw new MissingCredentialError(keychainAccount(profile), profile.name, await keychainProblem(secrets));
}

/**
 * Opens a session for a saved profile: the certificate must match the trusted
 * thumbprint (CONN-THUMBPRINT), and the password is read (session first, then
 * keychain) only when a login happens.
 */
export function openConnection(profile: ConnectionProfile, secrets: SecretStore, options: { keepaliveMs?: number } = {}): Promise<VimSession> {
  return VimSession.connect({
    url: profile.url,
    username: profile.user,
    trustedSha256: profile.thumbprintSha256,
    keepaliveMs: options.keepaliveMs,
    password: () => requireConnectionPassword(profile, secrets),
  });
}
