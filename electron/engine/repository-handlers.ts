import { resolve } from 'node:path';
import { ApiError } from '../api/api-dispatcher';
import type { OpenedRepository } from '../api/schemas/restore-schema';
import { BadInputError } from '../errors/lifeboat-error';
import type { SecretStore } from '../keychain/secret-store';
import { LocalFolderBackend } from '../repository/local-folder-backend';
import type { Repository } from '../repository/repository';
import type { PasswordInput } from '../repository/repository-password';
import { unlockRepository } from '../repository/repository-unlock';

/** A repository opened in this session, kept by id so later calls name it without a password. */
export interface OpenRepositoryEntry {
  repo: Repository;
  path: string;
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

  /** The repository at `path` if this session opened it (the engine services' openRepository); else a clear error. */
  async openedAt(path: string): Promise<Repository> {
    const entry = this.byPath(path);
    if (!entry) throw new BadInputError(`the repository ${path} is not open in this session`, 'repository-not-open', `Open the repository ${path} on the Repositories page first.`);
    return entry.repo;
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
    const { repo, remembered } = await unlockRepository(
      new LocalFolderBackend(path),
      { passwordStdin: given !== undefined, remember: input.remember, env: { LIFEBOAT_REPO_PASSWORD_FILE: this.env.LIFEBOAT_REPO_PASSWORD_FILE } },
      passwordInput,
      this.secrets,
    );
    this.open.set(repo.id, { repo, path });
    return { ...(await this.listed(repo.id)), rememberProblem: remembered && !remembered.saved ? remembered.reason : undefined };
  }

  /** An opened repository's restore points as they are now (after a backup added one); no password needed again. */
  async listed(id: string): Promise<OpenedRepository> {
    const { repo, path } = this.get(id);
    const points = (await repo.listPoints()).map((p) => ({
      id: p.id,
      vm: p.vm,
      kind: p.kind,
      createdAt: p.createdAt,
      disks: p.disks,
      allocatedBytes: p.allocatedBytes,
    }));
    return { id: repo.id, path, points };
  }
}
