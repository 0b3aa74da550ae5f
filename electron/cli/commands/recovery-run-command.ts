import type { Command } from 'commander';
import type { RecoveryProgress, RecoveryRunResult } from '../../api/schemas/recovery-schema';
import { lifeboatHome } from '../../config/paths';
import { askYesNo } from '../../connections/password-input';
import { CancelledError } from '../../errors/lifeboat-error';
import { OsKeychain } from '../../keychain/os-keychain';
import type { SecretStore } from '../../keychain/secret-store';
import { formatRecoveryPlanText } from '../../recovery/recovery-plan-text';
import { formatBytes } from '../../units/byte-units';
import { CliError, ExitCode } from '../cli-error';
import type { CliIo } from '../cli-output';
import { commandAction, globalOptions, type CommandContext, type RegisterCommand } from '../command-action';
import { cliRecoveryService, withRecoveryOptions, type RecoveryCommandOptions } from './recovery-command';

interface RecoveryRunOptions extends RecoveryCommandOptions {
  yes?: boolean;
  resume?: string;
}

/** What the run command reaches outside itself; tests replace the keychain, home and the confirmation. */
export interface RecoveryRunCommandDeps {
  secrets: () => SecretStore;
  home: () => string;
  confirm: (question: string) => Promise<boolean>;
}

const defaultDeps: RecoveryRunCommandDeps = {
  secrets: () => new OsKeychain(),
  home: () => lifeboatHome(),
  confirm: (q) => askYesNo(q),
};

/** One line per VM when its state changes, and the bytes of running VMs about every 5 s; JSON lines with --json. */
function progressPrinter(io: CliIo, json: boolean): (p: RecoveryProgress) => void {
  const seen = new Map<string, string>();
  let last = 0;
  return (p) => {
    const changed = p.vms.filter((v) => seen.get(v.vmName) !== v.state);
    for (const v of changed) seen.set(v.vmName, v.state);
    const now = Date.now();
    if (json) {
      if (changed.length > 0 || now - last >= 1000) {
        last = now;
        io.stdout(JSON.stringify({ event: 'progress', ...p }) + '\n');
      }
      return;
    }
    for (const v of changed) {
      if (v.state === 'waiting') continue;
      const where = `[${v.group}] ${v.vm} → ${v.vmName}`;
      if (v.state === 'running') io.stderr(`${where}: restoring on ${v.host ?? '?'} (restore job ${v.restoreJobId})\n`);
      else if (v.state === 'succeeded')
        io.stderr(
          `${where}: ${v.finishedEarlier ? 'done by an earlier run' : `restored${v.poweredOn ? ' and powered on' : ''}`}\n`,
        );
      else if (v.state === 'failed')
        io.stderr(`${where}: FAILED${v.error ? ` — ${v.error.rule ? `${v.error.rule}: ` : ''}${v.error.message}` : ''}\n`);
      else io.stderr(`${where}: ${v.state}\n`);
    }
    if (now - last >= 5000) {
      last = now;
      const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
      const hosts = p.hosts.map((h) => `${h.name} ${h.activeStreams}/${h.cap}`).join(', ');
      io.stderr(`  ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} (${pct}%); streams ${hosts}\n`);
    }
  };
}

function resultText(r: RecoveryRunResult, file: string): string {
  const verdict =
    r.state === 'succeeded' ? 'Recovery succeeded' : r.state === 'cancelled' ? 'Recovery cancelled' : 'Recovery FAILED';
  const lines = [
    `${verdict}: ${r.name} (job ${r.jobId}), ${r.vms.filter((v) => v.state === 'succeeded').length} of ${r.vms.length} VMs restored.`,
  ];
  for (const g of r.groups) lines.push(`  group ${g.name}: ${g.upAt ? `up at ${g.upAt}` : g.state}`);
  for (const v of r.vms.filter((x) => x.state !== 'succeeded'))
    lines.push(`  ${v.vmName}: ${v.state}${v.error ? ` — ${v.error.rule ? `${v.error.rule}: ` : ''}${v.error.message}` : ''}`);
  for (const h of r.hostUtilisation)
    lines.push(`  host ${h.host}: cap ${h.cap}, peak ${h.peakStreams} streams, ${(h.utilisation * 100).toFixed(0)} % busy`);
  lines.push(`Report: ${r.report.html} (JSON: ${r.report.json})`);
  if (r.state !== 'succeeded') lines.push(`Resume with: lifeboat recovery run ${file} --resume ${r.jobId}`);
  return lines.join('\n');
}

/** Adds `run FILE` to the `recovery` command group. */
export function addRecoveryRunCommand(
  group: Command,
  ctx: CommandContext,
  overrides: Partial<RecoveryRunCommandDeps> = {},
): void {
  const deps: RecoveryRunCommandDeps = { ...defaultDeps, ...overrides };
  withRecoveryOptions(
    group
      .command('run')
      .argument('<file>', 'the recovery plan file (YAML)')
      .description(
        'Plan the file, show the plan, ask, then restore its VMs as one resumable job: group by group, largest VM first, never more streams on a host than its cap. ' +
          'Exit 0 every VM restored, 1 some failed, 3 a rule blocks the plan, 130 cancelled (Ctrl+C; resume with --resume).',
      )
      .option('-y, --yes', 'run without asking after showing the plan')
      .option(
        '--resume <job>',
        'continue this recovery job: finished VMs are skipped, started ones continue from their checkpoints',
      )
      .option('--vddk-dir <folder>', 'VDDK distribution folder (default: the vddkDir setting, then LIFEBOAT_VDDK_DIR)')
      .option('--vddk-config <file>', "extra VDDK config lines (default for the lab VDDK: the running lab's labvddk.conf)"),
  ).action(
    commandAction(ctx, async (file: string, opts: RecoveryRunOptions, command: Command) => {
      const { json } = globalOptions(command);
      const recovery = await cliRecoveryService(ctx, opts, json, file, { home: deps.home(), keychain: deps.secrets() });
      // A resume continues the plan the job was started with (the file must be unchanged: its hash is checked).
      const plan = await recovery.planForRun({ path: file }, opts.resume);
      if (json) ctx.io.stdout(JSON.stringify({ event: 'plan', plan }) + '\n');
      else ctx.io.stderr(formatRecoveryPlanText(plan) + '\n');
      if (!plan.ok)
        throw new CliError('the recovery plan is blocked (see the findings above); nothing was changed', ExitCode.blocked);
      if (!opts.yes && !opts.resume) {
        if (!ctx.io.interactive) throw new CliError('not confirmed: pass --yes to run the plan shown above', ExitCode.usage);
        if (!(await deps.confirm(`Restore these ${plan.groups.reduce((n, g) => n + g.vms.length, 0)} VMs? [y/N] `)))
          throw new CliError('recovery not started', ExitCode.failure);
      }
      const controller = new AbortController();
      const onSigint = () =>
        controller.abort(new CancelledError('cancelled (Ctrl+C); the running restores run their closing steps'));
      process.once('SIGINT', onSigint);
      try {
        const result = await recovery.run(plan, {
          resumeJobId: opts.resume,
          signal: controller.signal,
          onStart: ({ jobId }) => {
            if (!json) ctx.io.stderr(`Recovery job ${jobId} (resume with: lifeboat recovery run ${file} --resume ${jobId})\n`);
          },
          onProgress: progressPrinter(ctx.io, json),
        });
        if (json) ctx.io.stdout(JSON.stringify({ event: 'result', ...result }) + '\n');
        else ctx.io.stdout(resultText(result, file) + '\n');
        if (result.state === 'cancelled') return ExitCode.cancelled;
        return result.ok ? ExitCode.ok : ExitCode.failure;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    }),
  );
}

/**
 * Attaches `run` to the `recovery` group registered before it (recovery-command.ts).
 * At merge this may become one call inside registerRecoveryCommand.
 */
export const registerRecoveryRunCommand: RegisterCommand = (program, ctx) => {
  const group = program.commands.find((c) => c.name() === 'recovery');
  if (!group) throw new Error('the recovery command group must be registered before `recovery run`');
  addRecoveryRunCommand(group, ctx);
};
