import { readFile } from 'node:fs/promises';
import { BadInputError } from '../errors/lifeboat-error';
import { KeychainUnavailableError, type SecretStore } from '../keychain/secret-store';

/**
 * Where a repository password comes from. Never argv or the environment
 * itself: a file named by --password-file or LIFEBOAT_REPO_PASSWORD_FILE,
 * stdin, the OS keychain, or a hidden prompt.
 */
export type PasswordSource = 'file' | 'stdin' | 'keychain' | 'env-file' | 'prompt';

export interface PasswordInput {
  /** All of stdin as text. */
  readStdin(): Promise<string>;
  /** Asks on the terminal without echo. */
  promptHidden(question: string): Promise<string>;
  /** Prompts are allowed (stdin and stdout are a terminal). */
  interactive: boolean;
}

export interface PasswordRequest {
  passwordFile?: string;
  passwordStdin?: boolean;
  env: NodeJS.ProcessEnv;
}

/** The repository password could not be had from the sources given (none given, unreadable, empty, typed differently). */
export class PasswordSourceError extends BadInputError {
  constructor(message: string, hint: string) {
    super(message, 'password-required', hint);
    this.name = 'PasswordSourceError';
  }
}

/** Keychain account for a repository's password. */
export function keychainAccount(repoId: string): string {
  return `repo:${repoId}`;
}

function firstLine(text: string): string {
  // A trailing newline from `echo` or an editor is not part of the password.
  return text.replace(/\r?\n$/, '');
}

async function fromFile(path: string, source: 'file' | 'env-file'): Promise<{ password: string; source: PasswordSource }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PasswordSourceError(
      `cannot read the password file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'Check the path given to --password-file or LIFEBOAT_REPO_PASSWORD_FILE.',
    );
  }
  return { password: firstLine(text), source };
}

function nonEmpty(result: { password: string; source: PasswordSource }): { password: string; source: PasswordSource } {
  if (result.password.length === 0)
    throw new PasswordSourceError(`the password from ${result.source} is empty`, 'A repository password cannot be empty.');
  return result;
}

/** Password for a new repository: explicit sources, else asked twice on a terminal. */
export async function newRepositoryPassword(
  req: PasswordRequest,
  input: PasswordInput,
): Promise<{ password: string; source: PasswordSource }> {
  if (req.passwordFile) return nonEmpty(await fromFile(req.passwordFile, 'file'));
  if (req.passwordStdin) return nonEmpty({ password: firstLine(await input.readStdin()), source: 'stdin' });
  if (req.env.LIFEBOAT_REPO_PASSWORD_FILE) return nonEmpty(await fromFile(req.env.LIFEBOAT_REPO_PASSWORD_FILE, 'env-file'));
  if (!input.interactive) throw noPasswordError();
  const first = await input.promptHidden('New repository password: ');
  const second = await input.promptHidden('Repeat the password: ');
  if (first !== second)
    throw new PasswordSourceError('the two passwords differ', 'Run the command again and type the same password twice.');
  return nonEmpty({ password: first, source: 'prompt' });
}

/**
 * Password for an existing repository. Explicit --password-file/--password-stdin
 * win (the user asked for them); otherwise the keychain, then
 * LIFEBOAT_REPO_PASSWORD_FILE, then a prompt on a terminal.
 */
export async function existingRepositoryPassword(
  repoId: string,
  req: PasswordRequest,
  input: PasswordInput,
  keychain: SecretStore | null,
): Promise<{ password: string; source: PasswordSource }> {
  if (req.passwordFile) return nonEmpty(await fromFile(req.passwordFile, 'file'));
  if (req.passwordStdin) return nonEmpty({ password: firstLine(await input.readStdin()), source: 'stdin' });
  if (keychain) {
    try {
      const saved = await keychain.get(keychainAccount(repoId));
      if (saved) return { password: saved, source: 'keychain' };
    } catch (err) {
      // No keychain on this machine is not an error: other sources follow.
      if (!(err instanceof KeychainUnavailableError)) throw err;
    }
  }
  if (req.env.LIFEBOAT_REPO_PASSWORD_FILE) return nonEmpty(await fromFile(req.env.LIFEBOAT_REPO_PASSWORD_FILE, 'env-file'));
  if (!input.interactive) throw noPasswordError();
  return nonEmpty({ password: await input.promptHidden('Repository password: '), source: 'prompt' });
}

function noPasswordError(): PasswordSourceError {
  return new PasswordSourceError(
    'no repository password was given',
    'Pass --password-stdin (and pipe it in), --password-file FILE, set LIFEBOAT_REPO_PASSWORD_FILE, save it with --remember, or run on a terminal to be asked.',
  );
}
