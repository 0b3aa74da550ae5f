import type { SecretStore } from '../keychain/secret-store';
import { Repository, type RepositoryOptions } from './repository';
import type { RepositoryBackend } from './repository-backend';
import { readConfig } from './repository-config';
import { WrongPasswordError } from './repository-errors';
import {
  existingRepositoryPassword,
  keychainAccount,
  type PasswordInput,
  type PasswordRequest,
  type PasswordSource,
} from './repository-password';

/** The password saved in the keychain no longer opens the repository (changed elsewhere). */
export class SavedPasswordWrongError extends WrongPasswordError {
  constructor() {
    super();
    this.message = 'the repository password is wrong (the one saved in the keychain)';
  }
}

export interface UnlockResult {
  repo: Repository;
  source: PasswordSource;
  /** Set when `remember` was asked: saved, or why not. */
  remembered?: { saved: true } | { saved: false; reason: string };
}

/** Saves a repository password in the keychain under `repo:<id>`. */
export async function rememberPassword(
  keychain: SecretStore,
  repoId: string,
  password: string,
): Promise<{ saved: true } | { saved: false; reason: string }> {
  try {
    await keychain.set(keychainAccount(repoId), password);
    return { saved: true };
  } catch (err) {
    return { saved: false, reason: (err as Error).message };
  }
}

/**
 * Opens a repository the way every front door does: find the password
 * (explicit file/stdin, keychain, LIFEBOAT_REPO_PASSWORD_FILE, prompt), open,
 * and save the password in the keychain when asked.
 */
export async function unlockRepository(
  backend: RepositoryBackend,
  req: PasswordRequest & { remember?: boolean },
  input: PasswordInput,
  keychain: SecretStore | null,
  options: RepositoryOptions = {},
): Promise<UnlockResult> {
  const config = await readConfig(backend);
  const { password, source } = await existingRepositoryPassword(config.id, req, input, keychain);
  let repo: Repository;
  try {
    repo = await Repository.open(backend, password, options);
  } catch (err) {
    if (err instanceof WrongPasswordError && source === 'keychain') throw new SavedPasswordWrongError();
    throw err;
  }
  const result: UnlockResult = { repo, source };
  if (req.remember && source !== 'keychain') {
    result.remembered = keychain ? await rememberPassword(keychain, repo.id, password) : { saved: false, reason: 'no keychain' };
  }
  return result;
}
