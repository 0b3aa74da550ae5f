import type { Command } from 'commander';
import { CliError, ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';
import { LocalFolderBackend } from '../../repository/local-folder-backend';
import {
  openRepository,
  repoCommandDeps,
  reportRemembered,
  repositoryCliError,
  repositoryDir,
  withRepositoryOptions,
  type RepositoryOptions,
} from '../repository-options';
import { Repository } from '../../repository/repository';
import { registerRepoMaintenanceCommands } from './repo-maintenance-commands';
import { FolderNotEmptyError, RepositoryExistsError } from '../../repository/repository-errors';
import { rememberPassword } from '../../repository/repository-unlock';
import { keychainAccount, newRepositoryPassword } from '../../repository/repository-password';
import { pruneRepository } from '../../repository/repository-prune';
import { verifyRepository } from '../../repository/repository-verify';
import { formatBytes } from '../../units/byte-units';
import {
  formatPoint,
  formatPointList,
  formatPrune,
  formatVerify,
  manifestForJson,
} from '../../repository/repository-text-report';

type RepoOptions = RepositoryOptions;

export { repoCommandDeps };

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

  withRepositoryOptions(
    repo.command('init').description('create a repository in an empty folder (asks for the password twice on a terminal)'),
    'save the password in the OS keychain',
  ).action(
    commandAction(ctx, async (opts: RepoOptions, command: Command) => {
      const { json } = globalOptions(command);
      const dir = repositoryDir(opts);
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
        if (err instanceof RepositoryExistsError)
          throw new CliError(
            err.message,
            ExitCode.failure,
            'Use another folder, or open the existing repository with its password.',
          );
        if (err instanceof FolderNotEmptyError)
          throw new CliError(err.message, ExitCode.failure, 'Give a new or empty folder for the repository.');
        repositoryCliError(err);
      }
    }),
  );

  withRepositoryOptions(repo.command('list').description('list restore points, oldest first, with repository totals')).action(
    commandAction(ctx, async (opts: RepoOptions, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepository(ctx, opts, json);
      const { points, damaged } = await r.scanPoints();
      const stats = await r.stats();
      // Damage is reported, not fatal: every readable point is still listed.
      const problems = [...r.damagedIndexes, ...damaged];
      printResult(
        ctx.io,
        json,
        { ok: true, repository: { id: r.id, location: r.backend.location, chunkSize: r.chunkSize, ...stats }, points, problems },
        (v) =>
          [
            formatPointList(v),
            ...v.problems.map((p) => `warning: ${p.object}: ${p.problem}`),
            ...(v.problems.length > 0
              ? ['Run `lifeboat repo verify` for details, `lifeboat repo repair` to rebuild the index.']
              : []),
          ].join('\n'),
      );
    }),
  );

  withRepositoryOptions(
    repo
      .command('show')
      .argument('<id>', 'restore point id (or a unique prefix)')
      .description('show one restore point: VM, encryption, firmware, disks')
      .option('--block-map', "also print every disk's block map"),
  ).action(
    commandAction(ctx, async (id: string, opts: RepoOptions & { blockMap?: boolean }, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepository(ctx, opts, json);
      const manifest = await r.loadPoint(id).catch(repositoryCliError);
      printResult(ctx.io, json, { ok: true, point: manifestForJson(manifest, Boolean(opts.blockMap)) }, () =>
        formatPoint(manifest, Boolean(opts.blockMap)),
      );
    }),
  );

  withRepositoryOptions(
    repo
      .command('verify')
      .description('check the repository: structure always; with --read-data every byte of every pack')
      .option('--read-data', 'read, decrypt and hash every chunk (slow: reads the whole repository)'),
  ).action(
    commandAction(ctx, async (opts: RepoOptions & { readData?: boolean }, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepository(ctx, opts, json);
      const report = await verifyRepository(r, {
        readData: Boolean(opts.readData),
        onProgress: progressPrinter(ctx.io, json, 'verify'),
      }).catch(repositoryCliError);
      printResult(ctx.io, json, report, formatVerify);
      return report.ok ? ExitCode.ok : ExitCode.failure;
    }),
  );

  withRepositoryOptions(
    repo
      .command('forget')
      .argument('<id>', 'restore point id (or a unique prefix)')
      .description('remove a restore point (its data goes at the next prune)'),
  ).action(
    commandAction(ctx, async (id: string, opts: RepoOptions, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepository(ctx, opts, json);
      const forgotten = await r.forget(id).catch(repositoryCliError);
      printResult(
        ctx.io,
        json,
        { ok: true, forgotten },
        (v) => `Forgot restore point ${v.forgotten}. Run \`lifeboat repo prune\` to free its space.`,
      );
    }),
  );

  withRepositoryOptions(
    repo
      .command('prune')
      .description('delete data no restore point references (rewrites partly used packs; do not run during a backup)'),
  ).action(
    commandAction(ctx, async (opts: RepoOptions, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepository(ctx, opts, json);
      const report = await pruneRepository(r, { onProgress: progressPrinter(ctx.io, json, 'prune') }).catch(repositoryCliError);
      printResult(ctx.io, json, { ok: true, ...report }, formatPrune);
    }),
  );

  registerRepoMaintenanceCommands(repo, ctx, progressPrinter);

  withRepositoryOptions(
    repo
      .command('passwd')
      .description('change the repository password (re-wraps the key; no data is rewritten)')
      .option('--new-password-file <file>', 'read the new password from this file (default: ask twice on a terminal)'),
    'also save the new password in the OS keychain',
  ).action(
    commandAction(ctx, async (opts: RepoOptions & { newPasswordFile?: string }, command: Command) => {
      const { json } = globalOptions(command);
      const input = repoCommandDeps.input(ctx.io);
      const r = await openRepository(ctx, { ...opts, remember: false }, json);
      const { password } = await newRepositoryPassword({ passwordFile: opts.newPasswordFile, env: {} }, input).catch(
        repositoryCliError,
      );
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
