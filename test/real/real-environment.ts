import { existsSync, readFileSync } from 'node:fs';

/**
 * The opt-in real-environment tier: the same flows as the lab tests, against a
 * real vCenter and a real VDDK. Set
 *   LIFEBOAT_REAL_VCENTER      https://vc.example.com (a test vCenter)
 *   LIFEBOAT_REAL_VDDK_DIR     the VDDK distribution folder
 * and either
 *   LIFEBOAT_REAL_USER + LIFEBOAT_REAL_PASSWORD_FILE (mode 0600) + LIFEBOAT_REAL_THUMBPRINT (SHA-256)
 * or
 *   LIFEBOAT_REAL_CONNECTION   a connection saved with `lifeboat connect add` (password in the keychain)
 * and for backup/restore
 *   LIFEBOAT_REAL_VM           a small, powered-off test VM to back up
 *   LIFEBOAT_REAL_DATASTORE    where the restored copy goes (it is deleted afterwards)
 *   LIFEBOAT_REAL_ENCRYPTED_VM an encrypted or vTPM VM (only where a key provider exists)
 */
export interface RealEnvironment {
  url: string;
  vddkDir: string;
  login:
    | { kind: 'password-file'; user: string; passwordFile: string; thumbprintSha256: string }
    | { kind: 'saved'; connection: string };
  vm?: string;
  datastore?: string;
  encryptedVm?: string;
}

/** The real environment, or why the tier does not run (printed by every test file of the tier). */
export function realEnvironment(env: NodeJS.ProcessEnv = process.env): { ready: RealEnvironment } | { notRun: string } {
  const url = env.LIFEBOAT_REAL_VCENTER;
  const vddkDir = env.LIFEBOAT_REAL_VDDK_DIR;
  if (!url || !vddkDir) {
    return {
      notRun:
        'real vCenter tier not run: set LIFEBOAT_REAL_VCENTER and LIFEBOAT_REAL_VDDK_DIR (see README, "Testing against a real vCenter")',
    };
  }
  if (!existsSync(vddkDir)) return { notRun: `real vCenter tier not run: LIFEBOAT_REAL_VDDK_DIR ${vddkDir} does not exist` };
  let login: RealEnvironment['login'];
  if (env.LIFEBOAT_REAL_PASSWORD_FILE) {
    if (!env.LIFEBOAT_REAL_USER || !env.LIFEBOAT_REAL_THUMBPRINT) {
      return {
        notRun:
          'real vCenter tier not run: with LIFEBOAT_REAL_PASSWORD_FILE also set LIFEBOAT_REAL_USER and LIFEBOAT_REAL_THUMBPRINT (SHA-256)',
      };
    }
    login = {
      kind: 'password-file',
      user: env.LIFEBOAT_REAL_USER,
      passwordFile: env.LIFEBOAT_REAL_PASSWORD_FILE,
      thumbprintSha256: env.LIFEBOAT_REAL_THUMBPRINT,
    };
  } else if (env.LIFEBOAT_REAL_CONNECTION) {
    login = { kind: 'saved', connection: env.LIFEBOAT_REAL_CONNECTION };
  } else {
    return {
      notRun:
        'real vCenter tier not run: set LIFEBOAT_REAL_PASSWORD_FILE (+ USER, THUMBPRINT) or LIFEBOAT_REAL_CONNECTION (password in the keychain)',
    };
  }
  return {
    ready: {
      url,
      vddkDir,
      login,
      vm: env.LIFEBOAT_REAL_VM,
      datastore: env.LIFEBOAT_REAL_DATASTORE,
      encryptedVm: env.LIFEBOAT_REAL_ENCRYPTED_VM,
    },
  };
}

/** The password from the password file (first line), never logged. */
export function readPasswordFile(path: string): string {
  return readFileSync(path, 'utf8').split('\n')[0]!;
}
