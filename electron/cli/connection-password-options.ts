import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { ConnectionStore } from '../connections/connection-store';
import { readPasswordFromStream } from '../connections/password-input';
import { SessionSecretStore } from '../connections/session-secrets';
import type { SecretStore } from '../keychain/secret-store';
import { CliError, ExitCode } from './cli-error';

/**
 * The vSphere password for one session (CONN-NO-KEYCHAIN), on commands where
 * `--password-file` / `--password-stdin` already mean the repository password.
 */
export interface ConnectionPasswordOptions {
  connectionPasswordFile?: string;
  connectionPasswordStdin?: boolean;
  passwordStdin?: boolean;
}

export function withConnectionPasswordOptions(cmd: Command): Command {
  return cmd
    .option('--connection-password-file <file>', 'read the vSphere password of --connection from this file (first line), for this session only; needs no keychain')
    .option('--connection-password-stdin', 'read the vSphere password of --connection from standard input, for this session only');
}

async function readFirstLine(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (err) {
    throw new CliError(`cannot read --connection-password-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, ExitCode.usage, 'Check the path.');
  }
}

/** The password given for this session, if any; refuses two sources or two readers of stdin. */
export async function sessionConnectionPassword(opts: ConnectionPasswordOptions, stdin: Readable = process.stdin): Promise<string | undefined> {
  if (opts.connectionPasswordFile && opts.connectionPasswordStdin) {
    throw new CliError('give --connection-password-file or --connection-password-stdin, not both', ExitCode.usage);
  }
  if (opts.connectionPasswordStdin && opts.passwordStdin) {
    throw new CliError(
      '--password-stdin (the repository password) and --connection-password-stdin (the vSphere password) cannot both read standard input',
      ExitCode.usage,
      'Give one of them as a file: --password-file FILE or --connection-password-file FILE.',
    );
  }
  const password = opts.connectionPasswordFile
    ? await readFirstLine(opts.connectionPasswordFile)
    : opts.connectionPasswordStdin
      ? await readPasswordFromStream(stdin)
      : undefined;
  if (password === '') throw new CliError('the connection password is empty', ExitCode.usage);
  return password;
}

/** The keychain, with a session password in front of it once the connection is known (`bind`; on --resume it comes from the job). */
export async function cliSessionSecrets(
  opts: ConnectionPasswordOptions,
  keychain: SecretStore,
  connections: ConnectionStore,
): Promise<{ secrets: SecretStore; bind: (connection: string) => Promise<void> }> {
  const password = await sessionConnectionPassword(opts);
  if (password === undefined) return { secrets: keychain, bind: async () => undefined };
  const secrets = new SessionSecretStore(keychain, connections);
  return { secrets, bind: (connection) => secrets.useForConnection(connection, password) };
}
