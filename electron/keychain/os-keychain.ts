import { KEYCHAIN_SERVICE, KeychainUnavailableError, type SecretStore } from './secret-store';

/** The keytar-compatible API of @napi-rs/keyring (keytar itself is archived). */
interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

function loadKeytar(): KeytarApi {
  // Loaded lazily: a missing native binary must not stop VDDK-free paths.
  return require('@napi-rs/keyring/keytar') as KeytarApi;
}

function backendName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

/** SecretStore over the operating system's keychain. */
export class OsKeychain implements SecretStore {
  readonly backend = backendName(process.platform);

  constructor(private readonly service: string = KEYCHAIN_SERVICE) {}

  private async call<T>(fn: (k: KeytarApi) => Promise<T>): Promise<T> {
    try {
      return await fn(loadKeytar());
    } catch (err) {
      throw new KeychainUnavailableError(err);
    }
  }

  get(account: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    return this.call((k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(this.service, account));
  }

  async accounts(): Promise<string[]> {
    const found = await this.call((k) => k.findCredentials(this.service));
    return found.map((c) => c.account).sort();
  }
}
