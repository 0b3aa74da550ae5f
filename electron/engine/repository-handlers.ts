import { resolve } from 'node:path';
import { ApiError } from '../api/api-dispatcher';
import type { OpenedRepository } from '../api/schemas/restore-schema';
import type { SecretStore } from '../keychain/secret-store';
import { LocalFolderBackend } from '../repository/local-folder-backend';
import type { Repository } from '../repository/repository';
import { NotARepositoryError, PointNotFoundError, WrongPasswordError } from '../repository/repository-errors';
import { RepositoryLockedError } from '../repository/repository-lock';
import { PasswordSourceError, type PasswordInput } from '../repository/repository-password';
import { SavedPasswordWrongError, unlockRepository } from '../repository/repository-unlock';

/** A repository opened in this session, kept by id so later calls name it without a password. */
export interface OpenRepositoryEntry {
  repo: Repository;
  path: string;
}

/** Repository errors as API errors with a code the UI can act on and a hint for people. */
export function repositoryApiError(err: unknown): never {
  if (err instanceof SavedPasswordWrongError)
    throw new ApiError(err.message, 'wrong-password', undefined, 'Type the current password and tick "remember" to replace the saved one.');
  if (err instanceof WrongPasswordError) throw new ApiError(err.message, 'wrong-password', undefined, 'Check the password and try again.');
  if (err instanceof PasswordSourceError)
    throw new ApiError('this repository needs its password (none is saved in the keychain)', 'password-required', undefined, 'Type the password; tick "remember" to save it in the keychain.');
  if (err instanceof NotARepositoryError) throw new ApiError(err.message, 'not-a-repository', undefined, 'Check the folder, or create one with `lifeboat repo init --repo DIR`.');
  if (err instanceof RepositoryLockedError) throw new ApiError(err.message, 'repository-locked', undefined, 'Wait until the other job finishes and try again.');
  if (err instanceof PointNotFoundError) throw new ApiError(err.message, 'point-not-found', undefined, 'Open the repository again to refresh its restore points.');
  throw err;
}

/** The Repositories side of the API: open a folder (password or keychain), list its points, keep it for the session. */
export class RepositoryHandlers {
  private readonly open = new Map<string, OpenRepositoryEntry>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get(id: string): OpenRepositoryEntry {
    const entry = this.open.get(id);
    if (!entry) throw new ApiError(`no repository with id ${id} is open in this session`, 'repository-not-open', undefined, 'Open it on the Repositories page first.');
    return entry;
  }

  /** The opened repository at this folder, if any (the restore service names repositories by folder). */
  byPath(path: string): OpenRepositoryEntry | undefined {
    const wanted = resolve(path);
    return [...this.open.values()].find((e) => resolve(e.path) === wanted);
  }

  async openFolder(input: { path: string; password?: string; remember?: boolean }): Promise<OpenedRepository> {
    const path = resolve(input.path);
    const given = input.password;
    // The password comes from the UI call (as "stdin"), or else from the keychain; never a prompt in the engine.
    const passwordInput: PasswordInput = {
      readStdin: async () => given ?? '',
      promptHidden: async () => '',
      interactive: false,
    };
    try {
      const { repo, remembered } = await unlockRepository(
        new LocalFolderBackend(path),
        { passwordStdin: given !== undefined, remember: input.remember, env: { LIFEBOAT_REPO_PASSWORD_FILE: this.env.LIFEBOAT_REPO_PASSWORD_FILE } },
        passwordInput,
        this.secrets,
      );
      this.open.set(repo.id, { repo, path });
      const points = (await repo.listPoints()).map((p) => ({
        id: p.id,
        vm: p.vm,
        kind: p.kind,
        createdAt: p.createdAt,
        disks: p.disks,
        allocatedBytes: p.allocatedBytes,
      }));
      return { id: repo.id, path, points, rememberProblem: remembered && !remembered.saved ? remembered.reason : undefined };
    } catch (err) {
      return repositoryApiError(err);
    }
  }
}
