import type { Command } from 'commander';
import { ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type CommandContext } from '../command-action';
import { openRepository, repositoryCliError, withRepositoryOptions, type RepositoryOptions } from '../repository-options';
import { repairIndex, type RepairReport } from '../../repository/repository-repair';
import { removeLocks, type LockListing } from '../../repository/stale-locks';

function describeLock(l: LockListing): string {
  if (!l.holder) return `${l.object} (not a readable lock)`;
  return `${l.object}: ${l.holder.kind} lock for ${l.holder.purpose} on ${l.holder.host} (pid ${l.holder.pid}) since ${l.holder.time}`;
}

export function formatRepair(r: RepairReport): string {
  const lines = [
    `Rebuilt the index from ${r.packsIndexed} of ${r.packsRead} pack(s): wrote ${r.indexesWritten.length} index object(s), removed ${r.indexesRemoved.length} old one(s).`,
  ];
  for (const p of r.damagedPacks)
    lines.push(`  damaged pack (its chunks are lost; \`repo prune\` removes it): ${p.object}: ${p.problem}`);
  for (const f of r.strayFiles) lines.push(`  not an index object, left alone: ${f}`);
  for (const p of r.damagedPoints) lines.push(`  unreadable restore point: ${p.object}: ${p.problem}`);
  for (const p of r.unrecoverablePoints)
    lines.push(
      `  unrecoverable restore point ${p.id}: ${p.missingChunks} chunk(s) are in no pack (forget it with \`repo forget ${p.id}\`)`,
    );
  const bad = r.unrecoverablePoints.length + r.damagedPoints.length;
  lines.push(
    bad === 0
      ? `All ${r.pointsChecked} restore point(s) are complete.`
      : `${bad} of ${r.pointsChecked} restore point(s) cannot be restored.`,
  );
  return lines.join('\n');
}

/** `repo repair` and `repo unlock`: the repository's maintenance commands. */
export function registerRepoMaintenanceCommands(
  repo: Command,
  ctx: CommandContext,
  progress: (io: CliIo, json: boolean, verb: string) => (d: number, t: number, w: string) => void,
): void {
  withRepositoryOptions(
    repo
      .command('repair')
      .description(
        'rebuild the index from the packs (after a damaged or lost index) and report restore points that cannot be restored',
      ),
  ).action(
    commandAction(ctx, async (opts: RepositoryOptions, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepository(ctx, opts, json);
      const report = await repairIndex(r, { onProgress: progress(ctx.io, json, 'repair') }).catch(repositoryCliError);
      const ok = report.unrecoverablePoints.length === 0 && report.damagedPoints.length === 0;
      printResult(ctx.io, json, { ok, ...report }, formatRepair);
      return ok ? ExitCode.ok : ExitCode.failure;
    }),
  );

  withRepositoryOptions(
    repo
      .command('unlock')
      .description('remove stale locks (their process is gone, or they were not refreshed for 30 minutes)')
      .option('--remove-all', 'remove every lock, also live ones: only when no job runs on any host'),
  ).action(
    commandAction(ctx, async (opts: RepositoryOptions & { removeAll?: boolean }, command: Command) => {
      const { json } = globalOptions(command);
      const r = await openRepository(ctx, opts, json);
      const { removed, kept } = await removeLocks(r, { all: Boolean(opts.removeAll) });
      printResult(ctx.io, json, { ok: true, removed, kept }, (v) =>
        [
          `Removed ${v.removed.length} lock(s); ${v.kept.length} live lock(s) kept.`,
          ...v.removed.map((l) => `  removed ${describeLock(l)}`),
          ...v.kept.map((l) => `  kept ${describeLock(l)}`),
        ].join('\n'),
      );
    }),
  );
}
