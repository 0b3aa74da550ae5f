import { LifeboatError } from '../errors/lifeboat-error';

/**
 * Where Lifeboat keeps secrets (vSphere passwords, repository keys): the OS
 * keychain. Nothing secret is ever written to Lifeboat's own files or logs,
 * and the renderer only ever learns whether a secret exists.
 */
export interface SecretStore {
  /** Human name of the backend, for the About page ("Secret Service", "macOS Keychain", ...). */
  readonly backend: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Returns true when something was deleted. */
  delete(account: string): Promise<boolean>;
  /** Accounts that have a saved secret (never the secrets). */
  accounts(): Promise<string[]>;
}

/** Service name under which every Lifeboat secret is filed in the OS keychain. */
export const KEYCHAIN_SERVICE = 'Lifeboat';

/**
 * Raised when the OS keychain cannot be reached; says what to do about it:
 * start one, or give the password for this session only.
 */
export class KeychainUnavailableError extends LifeboatError {
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`the OS keychain is not available (${detail})`, {
      code: 'keychain-unavailable',
      cause,
      hint:
        'On Linux start a Secret Service (GNOME Keyring or KeePassXC) in your desktop session; on macOS and Windows the system keychain is used. ' +
        'Without a keychain, add the connection with `lifeboat connect add --no-save` and give its password for each session ' +
        '(--connection-password-file FILE or --connection-password-stdin on plan, restore and backup).',
    });
    this.name = 'KeychainUnavailableError';
  }
}
