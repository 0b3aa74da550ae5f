import type { Command } from 'commander';
import { resolve } from 'node:path';
import { CliError, ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type CommandContext, type RegisterCommand } from '../command-action';
import { OsKeychain } from '../../keychain/os-keychain';
import type { SecretStore } from '../../keychain/secret-store';
import { LocalFolderBackend } from '../../repository/local-folder-backend';
import { Repository } from '../../repository/repository';
import { rememberPassword, SavedPasswordWrongError, unlockRepository } from '../../repository/repository-unlock';
import { NotARepositoryError, PointNotFoundError, WrongPasswordError } from '../../repository/repository-errors';
import { RepositoryLockedError } from '../../repository/repository-lock';
import {
  keychainAccount,
  newRepositoryPassword,
  PasswordSourceError,
  type PasswordInput,
} from '../../repository/repository-password';
import { pruneRepository } from '../../repository/repository-prune';
import { verifyRepository } from '../../repository/repository-verify';
import {
  formatBytes,
  formatPoint,
  formatPointList,
  formatPrune,
  formatVerify,
  manifestForJson,
} from '../../repository/repository-text-report';

interface RepoOptions {
  repo?: string;
  passwordFile?: string;
  passwordStdin?: boolean;
  remember?: boolean;
}

function readAllStdin(): Promise<string> {
  return new Promise((done, fail) => {
    const parts: Buffer[] = [];
    process.stdin.on('data', (d: Buffer) => parts.push(d));
    process.stdin.on('end', () => done(Buffer.concat(parts).toString('utf8')));
    process.stdin.on('error', fail);
  });
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((done, fail) => {
    let value = '';
    const wasRaw = stdin.isRaw;
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return void (finish(), done(value));
        if (ch === '\u0003') return void (finish(), fail(new CliError('cancelled at the password prompt', ExitCode.failure)));
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** What the repo command reaches outside itself; tests replace parts of it. */
export const repoCommandDeps = {
  input: (io: CliIo): PasswordInput => ({ readStdin: readAllStdin, promptHidden, interactive: io.interactive }),
  keychain: (): SecretStore => new OsKeychain(),
};

function repoDir(opts: RepoOptions): string {
  const dir = opts.repo ?? process.env.LIFEBOAT_REPO;
  if (!dir) throw new CliError('no repository given', ExitCode.usage, 'Pass --repo DIR (or set LIFEBOAT_REPO).');
  return resolve(dir);
}

function asCliError(err: unknown): never {
  if (err instanceof WrongPasswordError)
    throw new CliError(
      err.message,
      ExitCode.failure,
      'Check the password; a saved one can be replaced with --password-stdin --remember.',
    );
  if (err instanceof PasswordSourceError) throw new CliError(err.message, ExitCode.usage, err.hint);
  if (err instanceof NotARepositoryError)
    throw new CliError(err.message, ExitCode.failure, 'Check --repo, or create one with `lifeboat repo init --repo DIR`.');
  if (err instanceof RepositoryLockedError)
    throw new CliError(
      err.message,
      ExitCode.failure,
      'Wait until it finishes and try again; a lock its holder stopped refreshing is ignored after 30 minutes.',
    );
  if (err instanceof PointNotFoundError)
    throw new CliError(err.message, ExitCode.failure, 'List restore points with `lifeboat repo list`.');
  throw err;
}

/** Reports a keychain save; a missing keychain is a warning, not a failure. */
function reportRemembered(
  io: CliIo,
  json: boolean,
  repoId: string,
  outcome: { saved: true } | { saved: false; reason: string },
): boolean {
  if (outcome.saved) {
    if (!json) io.stderr(`Password saved in the OS keychain (account ${keychainAccount(repoId)}).\n`);
    return true;
  }
  io.stderr(`lifeboat: warning: the password was not saved: ${outcome.reason}\n`);
  return false;
}

async function openRepo(ctx: CommandContext, opts: RepoOptions, json: boolean): Promise<Repository> {
  try {
    const req = { passwordFile: opts.passwordFile, passwordStdin: opts.passwordStdin, remember: opts.remember, env: process.env };
    const backend = new LocalFolderBackend(repoDir(opts));
    const { repo, remembered } = await unlockRepository(backend, req, repoCommandDeps.input(ctx.io), repoCommandDeps.keychain());
    if (remembered) reportRemembered(ctx.io, json, repo.id, remembered);
    if (repo.removedTemporaries.length > 0 && !json) {
      ctx.io.stderr(`Removed ${repo.removedTemporaries.length} half-written file(s) left by an interrupted write.\n`);
    }
    return repo;
  } catch (err) {
    if (err instanceof SavedPasswordWrongError) {
      throw new CliError(
        err.message,
        ExitCode.failure,
        'Replace it: --password-stdin --remember (or --password-file FILE --remember).',
      );
    }
    return asCliError(err);
  }
}

function withRepoOptions(cmd: Command, rememberHelp = 'save the password in the OS keychain for later commands'): Command {
  return cmd
    .option('--repo <dir>', 'repository folder (default: $LIFEBOAT_REPO)')
    .option('--password-file <file>', 'read the repository password from this file (first line)')
    .option('--password-stdin', 'read the repository password from standard input')
    .option('--remember', rememberHelp);
}

/** Throttled progress on stderr (text mode only). */
function progressPrinter(io: CliIo, json: boolean, verb: string): (done: number, total: number, what: string) => void {
  let last = 0;
  return (done, total) => {
    if (json) return;
    const now = Date.now();
    if (done < total && now - last < 500) return;
    last = now;
    io.stderr(`${verb}: ${done}/${total} packs\n`);
  };
}

export const registerRepoCommand: RegisterCommand = (program, ctx) => {
  const repo = program
    .command('repo')
    .description('Restore-point repository: content-addressed, zstd-compressed, AES-256-GCM encrypted chunks in a local folder.');

  withRepoOptions(
    repo.command('init').description('create a repository in an empty folder (asks for the password twice on a terminal)'),
    'save the password in the OS keychain',
  ).action(
    commandAction(ctx, async (opts: RepoOptions, command: Command) => {
      const { json } = globalOptions(command);
      const dir = repoDir(opts);
      let created: Repository;
      try {
        const req = { passwordFile: opts.passwordFile, passwordStdin: opts.passwordStdin, env: process.env };
        const { password } = await newRepositoryPassword(req, repoCommandDeps.input(ctx.io));
        created = await Repository.init(new LocalFolderBackend(dir), password);
        const remembered = opts.remember
          ? reportRemembered(ctx.io, json, created.id, await rememberPassword(repoCommandDeps.keychain(), created.id, password))
          : false;
        const result = {
          ok: true,
          id: created.id,
          location: dir,
          chunkSize: created.chunkSize,
          encryption: 'AES-256-GCM',
          compression: 'zstd',
          kdf: 'scrypt',
          remembered,
        };
        printResult(
          ctx.io,
          json,
          result,
          (r) => `Created repository ${r.id} at ${r.location} (chunks ${formatBytes(r.chunkSize)}, zstd, AES-256-GCM, scrypt).`,
        );
      } catch (err) {
        if (err instanceof Error && /already holds a repository/.test(err.message))
          throw new CliError(
            err.message,
            ExitCode.failure,
            'Use another folder, or open the existing repository with its password.',
          );
        asCliError(err);
      }
    }),
  );

  withRepoOptions(repo.command('list').description('list restore points, oldest first, with repository totals')).action(
    commandAction(ctx, async (opts: RepoOptions, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepo(ctx, opts, json);
      const points = await r.listPoints();
      const stats = await r.stats();
      printResult(
        ctx.io,
        json,
        { ok: true, repository: { id: r.id, location: r.backend.location, chunkSize: r.chunkSize, ...stats }, points },
        formatPointList,
      );
    }),
  );

  withRepoOptions(
    repo
      .command('show')
      .argument('<id>', 'restore point id (or a unique prefix)')
      .description('show one restore point: VM, encryption, firmware, disks')
      .option('--block-map', "also print every disk's block map"),
  ).action(
    commandAction(ctx, async (id: string, opts: RepoOptions & { blockMap?: boolean }, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepo(ctx, opts, json);
      const manifest = await r.loadPoint(id).catch(asCliError);
      printResult(ctx.io, json, { ok: true, point: manifestForJson(manifest, Boolean(opts.blockMap)) }, () =>
        formatPoint(manifest, Boolean(opts.blockMap)),
      );
    }),
  );

  withRepoOptions(
    repo
      .command('verify')
      .description('check the repository: structure always; with --read-data every byte of every pack')
      .option('--read-data', 'read, decrypt and hash every chunk (slow: reads the whole repository)'),
  ).action(
    commandAction(ctx, async (opts: RepoOptions & { readData?: boolean }, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepo(ctx, opts, json);
      const report = await verifyRepository(r, {
        readData: Boolean(opts.readData),
        onProgress: progressPrinter(ctx.io, json, 'verify'),
      });
      printResult(ctx.io, json, report, formatVerify);
      return report.ok ? ExitCode.ok : ExitCode.failure;
    }),
  );

  withRepoOptions(
    repo
      .command('forget')
      .argument('<id>', 'restore point id (or a unique prefix)')
      .description('remove a restore point (its data goes at the next prune)'),
  ).action(
    commandAction(ctx, async (id: string, opts: RepoOptions, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepo(ctx, opts, json);
      const forgotten = await r.forget(id).catch(asCliError);
      printResult(
        ctx.io,
        json,
        { ok: true, forgotten },
        (v) => `Forgot restore point ${v.forgotten}. Run \`lifeboat repo prune\` to free its space.`,
      );
    }),
  );

  withRepoOptions(
    repo
      .command('prune')
      .description('delete data no restore point references (rewrites partly used packs; do not run during a backup)'),
  ).action(
    commandAction(ctx, async (opts: RepoOptions, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepo(ctx, opts, json);
      const report = await pruneRepository(r, { onProgress: progressPrinter(ctx.io, json, 'prune') }).catch(asCliError);
      printResult(ctx.io, json, { ok: true, ...report }, formatPrune);
    }),
  );

  withRepoOptions(
    repo
      .command('passwd')
      .description('change the repository password (re-wraps the key; no data is rewritten)')
      .option('--new-password-file <file>', 'read the new password from this file (default: ask twice on a terminal)'),
    'also save the new password in the OS keychain',
  ).action(
    commandAction(ctx, async (opts: RepoOptions & { newPasswordFile?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const input = repoCommandDeps.input(ctx.io);
      const r = await openRepo(ctx, { ...opts, remember: false }, json);
      const { password } = await newRepositoryPassword({ passwordFile: opts.newPasswordFile, env: {} }, input).catch(asCliError);
      await r.changePassword(password);
      // A saved old password would now fail: replace it when there is one (or when asked).
      const keychain = repoCommandDeps.keychain();
      const saved = await keychain.get(keychainAccount(r.id)).catch(() => null);
      const remembered =
        opts.remember || saved !== null
          ? reportRemembered(ctx.io, json, r.id, await rememberPassword(keychain, r.id, password))
          : false;
      printResult(ctx.io, json, { ok: true, id: r.id, remembered }, (v) => `Changed the password of repository ${v.id}.`);
    }),
  );
};
