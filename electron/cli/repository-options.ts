import type { Command } from 'commander';
import { resolve } from 'node:path';
import { promptHiddenPassword, readPasswordFromStream } from '../connections/password-input';
import { OsKeychain } from '../keychain/os-keychain';
import type { SecretStore } from '../keychain/secret-store';
import { LocalFolderBackend } from '../repository/local-folder-backend';
import type { Repository } from '../repository/repository';
import { ConfigDamagedError, NotARepositoryError, PointNotFoundError, WrongPasswordError } from '../repository/repository-errors';
import { LockLostError, RepositoryLockedError } from '../repository/repository-lock';
import { keychainAccount, PasswordSourceError, type PasswordInput } from '../repository/repository-password';
import { SavedPasswordWrongError, unlockRepository } from '../repository/repository-unlock';
import { CliError, ExitCode } from './cli-error';
import type { CliIo } from './cli-output';
import type { CommandContext } from './command-action';

/** The options every command that opens a repository takes. */
export interface RepositoryOptions {
  repo?: string;
  passwordFile?: string;
  passwordStdin?: boolean;
  remember?: boolean;
}

/** What repository commands reach outside themselves (terminal, keychain); tests replace parts of it. */
export const repoCommandDeps = {
  input: (io: CliIo): PasswordInput => ({
    readStdin: () => readPasswordFromStream(process.stdin),
    promptHidden: (question: string) => promptHiddenPassword(question),
    interactive: io.interactive,
  }),
  keychain: (): SecretStore => new OsKeychain(),
};

export function withRepositoryOptions(cmd: Command, rememberHelp = 'save the password in the OS keychain for later commands'): Command {
  return cmd
    .option('--repo <dir>', 'repository folder (default: $LIFEBOAT_REPO)')
    .option('--password-file <file>', 'read the repository password from this file (first line)')
    .option('--password-stdin', 'read the repository password from standard input')
    .option('--remember', rememberHelp);
}

export function repositoryDir(opts: RepositoryOptions): string {
  const dir = opts.repo ?? process.env.LIFEBOAT_REPO;
  if (!dir) throw new CliError('no repository given', ExitCode.usage, 'Pass --repo DIR (or set LIFEBOAT_REPO).');
  return resolve(dir);
}

/** Repository errors as CLI errors with what to do; anything else is rethrown. */
export function repositoryCliError(err: unknown): never {
  if (err instanceof SavedPasswordWrongError)
    throw new CliError(err.message, ExitCode.failure, 'Replace it: --password-stdin --remember (or --password-file FILE --remember).');
  if (err instanceof WrongPasswordError)
    throw new CliError(err.message, ExitCode.failure, 'Check the password; a saved one can be replaced with --password-stdin --remember.');
  if (err instanceof PasswordSourceError) throw new CliError(err.message, ExitCode.usage, err.hint);
  if (err instanceof ConfigDamagedError)
    throw new CliError(err.message, ExitCode.failure, "The password was not tried. Put back the `config` file from a copy of the repository; without it the data cannot be decrypted.");
  if (err instanceof LockLostError)
    throw new CliError(err.message, ExitCode.failure, 'Check that the repository folder is writable and reachable, then run the job again.');
  if (err instanceof NotARepositoryError)
    throw new CliError(err.message, ExitCode.failure, 'Check --repo, or create one with `lifeboat repo init --repo DIR`.');
  if (err instanceof RepositoryLockedError)
    throw new CliError(err.message, ExitCode.failure, 'Wait until it finishes and try again. A lock whose process is gone on this host is ignored at once, one from another host after 30 minutes; `lifeboat repo unlock` removes stale locks.');
  if (err instanceof PointNotFoundError) throw new CliError(err.message, ExitCode.failure, 'List restore points with `lifeboat repo list`.');
  throw err;
}

/** Reports a keychain save; a missing keychain is a warning, not a failure. */
export function reportRemembered(io: CliIo, json: boolean, repoId: string, outcome: { saved: true } | { saved: false; reason: string }): boolean {
  if (outcome.saved) {
    if (!json) io.stderr(`Password saved in the OS keychain (account ${keychainAccount(repoId)}).\n`);
    return true;
  }
  io.stderr(`lifeboat: warning: the password was not saved: ${outcome.reason}\n`);
  return false;
}

/** Opens an existing repository: password from file, stdin, keychain or prompt (never argv); saves it when --remember. */
export async function openRepository(
  ctx: CommandContext,
  opts: RepositoryOptions,
  json: boolean,
  deps: { input: (io: CliIo) => PasswordInput; keychain: () => SecretStore } = repoCommandDeps,
): Promise<Repository> {
  try {
    const req = { passwordFile: opts.passwordFile, passwordStdin: opts.passwordStdin, remember: opts.remember, env: process.env };
    const { repo, remembered } = await unlockRepository(
      new LocalFolderBackend(repositoryDir(opts)),
      req,
      deps.input(ctx.io),
      deps.keychain(),
    );
    if (remembered) reportRemembered(ctx.io, json, repo.id, remembered);
    return repo;
  } catch (err) {
    return repositoryCliError(err);
  }
}
