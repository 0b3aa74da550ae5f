import type { Command } from 'commander';
import { resolve } from 'node:path';
import { promptHiddenPassword, readPasswordFromStream } from '../connections/password-input';
import { OsKeychain } from '../keychain/os-keychain';
import type { SecretStore } from '../keychain/secret-store';
import { LocalFolderBackend } from '../repository/local-folder-backend';
import type { Repository } from '../repository/repository';
import { keychainAccount, type PasswordInput } from '../repository/repository-password';
import { unlockRepository } from '../repository/repository-unlock';
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
  const req = { passwordFile: opts.passwordFile, passwordStdin: opts.passwordStdin, remember: opts.remember, env: process.env };
  const { repo, remembered } = await unlockRepository(
    new LocalFolderBackend(repositoryDir(opts)),
    req,
    deps.input(ctx.io),
    deps.keychain(),
  );
  if (remembered) reportRemembered(ctx.io, json, repo.id, remembered);
  return repo;
}
