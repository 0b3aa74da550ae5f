import { ConnectionStore } from '../connections/connection-store';
import { RestoreService } from '../engine/restore-service';
import { environmentFactsFor } from '../environment/environment-facts';
import type { SecretStore } from '../keychain/secret-store';
import type { Repository } from '../repository/repository';
import { resolveVddkSetup } from '../vddk/vddk-setup';
import type { CommandContext } from './command-action';
import { openRepository, type RepositoryOptions } from './repository-options';

export interface CliRestoreServiceOptions extends RepositoryOptions {
  vddkDir?: string;
  vddkConfig?: string;
}

/** The restore service as the CLI runs it: repository passwords from the CLI's sources, VDDK from options or settings. */
export function cliRestoreService(
  ctx: CommandContext,
  opts: CliRestoreServiceOptions,
  json: boolean,
  home: string,
  secrets: SecretStore,
  /** How to open a request's repository (default: unlock it with the CLI's password sources each time). */
  open: (path: string) => Promise<Repository> = (path) => openRepository(ctx, { ...opts, repo: path }, json),
): RestoreService {
  return new RestoreService({
    home,
    connections: new ConnectionStore(home),
    secrets,
    environment: () => environmentFactsFor(home, 'cli', secrets),
    openRepository: open,
    vddk: () => resolveVddkSetup({ dir: opts.vddkDir, configFile: opts.vddkConfig, home }),
  });
}
