import { ConnectionStore } from '../connections/connection-store';
import { RestoreService } from '../engine/restore-service';
import { environmentFactsFor } from '../environment/environment-facts';
import type { SecretStore } from '../keychain/secret-store';
import { resolveVddkSetup } from '../vddk/vddk-setup';
import type { CommandContext } from './command-action';
import { openRepository, type RepositoryOptions } from './repository-options';

export interface CliRestoreServiceOptions extends RepositoryOptions {
  vddkDir?: string;
  vddkConfig?: string;
}

/** The restore service as the CLI runs it: repository passwords from the CLI's sources, VDDK from options or settings. */
export function cliRestoreService(ctx: CommandContext, opts: CliRestoreServiceOptions, json: boolean, home: string, secrets: SecretStore): RestoreService {
  return new RestoreService({
    home,
    connections: new ConnectionStore(home),
    secrets,
    environment: () => environmentFactsFor(home, 'cli', secrets),
    openRepository: (path) => openRepository(ctx, { ...opts, repo: path }, json),
    vddk: () => resolveVddkSetup({ dir: opts.vddkDir, configFile: opts.vddkConfig, home }),
  });
}
