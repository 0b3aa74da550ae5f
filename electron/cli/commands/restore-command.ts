import type { Command } from 'commander';
import { lifeboatHome } from '../../config/paths';
import { askYesNo } from '../../connections/password-input';
import type { RestoreJobProgress } from '../../engine/restore-progress';
import { CancelledError } from '../../errors/lifeboat-error';
import { OsKeychain } from '../../keychain/os-keychain';
import type { SecretStore } from '../../keychain/secret-store';
import { formatPlanText } from '../../planner/plan-text';
import type { RestoreReport } from '../../restore/restore-report';
import { formatBytes, formatEta, formatRate } from '../../units/byte-units';
import { CliError, ExitCode } from '../cli-error';
import type { CliIo } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';
import { withRepositoryOptions, type RepositoryOptions } from '../repository-options';
import { requestFromOptions, withRestoreRequestOptions, type RestoreRequestOptions } from '../restore-request-options';
import { cliRestoreService } from '../restore-service-cli';

interface RestoreOptions extends RepositoryOptions, RestoreRequestOptions {
  vddkDir?: string;
  vddkConfig?: string;
  yes?: boolean;
  resume?: string;
}

/** What the restore command reaches outside itself; tests replace the keychain, home and the confirmation. */
export interface RestoreCommandDeps {
  secrets: () => SecretStore;
  home: () => string;
  confirm: (question: string) => Promise<boolean>;
}

const defaultDeps: RestoreCommandDeps = {
  secrets: () => new OsKeychain(),
  home: () => lifeboatHome(),
  confirm: (question) => askYesNo(question),
};

/** Progress on stderr about once a second: bytes, rate and time left, overall and per disk; JSON lines with --json. */
function progressPrinter(io: CliIo, json: boolean): (p: RestoreJobProgress) => void {
  let phase = '';
  let last = 0;
  return (p) => {
    const now = Date.now();
    const changed = p.phase !== phase;
    phase = p.phase;
    if (json) {
      if (changed || now - last >= 1000) {
        last = now;
        io.stdout(JSON.stringify({ event: 'progress', ...p }) + '\n');
      }
      return;
    }
    if (changed) io.stderr(`${p.step}…\n`);
    if ((p.phase !== 'write-disks' && p.phase !== 'verify-disks') || (now - last < 1000 && p.bytesDone < p.bytesTotal)) return;
    last = now;
    const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
    const verb = p.pass === 'verify' ? 'compared' : 'written';
    io.stderr(`  ${verb} ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} (${pct}%) at ${formatRate(p.bytesPerSecond)}, ${formatEta(p.etaSeconds)} left\n`);
    if (p.disks.length > 1) {
      for (const d of p.disks) io.stderr(`    ${d.label}: ${formatBytes(d.bytesDone)} of ${formatBytes(d.bytesTotal)} at ${formatRate(d.bytesPerSecond)}, ${formatEta(d.etaSeconds)} left\n`);
    }
  };
}

function formatReport(r: RestoreReport & { reportFiles: { json: string; html: string } | null }): string {
  const lines = [
    `${r.outcome === 'succeeded' ? 'Restore succeeded' : r.outcome === 'cancelled' ? 'Restore cancelled' : 'Restore FAILED'}: ${r.vm}` +
      `${r.restoredVm ? ` → ${r.restoredVm.name} (${r.restoredVm.moref})` : ''} on ${r.target} in ${r.durationSeconds.toFixed(1)} s (job ${r.jobId}).`,
  ];
  for (const d of r.disks) {
    lines.push(
      `  ${d.label}: ${d.transportUsed ?? d.transport}, ${formatBytes(d.bytesWritten + d.bytesResumed)} written` +
        `${d.bytesResumed > 0 ? ` (${formatBytes(d.bytesResumed)} by earlier runs of this job)` : ''}` +
        `${d.megabytesPerSecond ? ` at ${formatRate(d.megabytesPerSecond * 1e6)}` : ''}, ${d.verified === null ? 'not verified' : d.verified ? 'verified identical' : 'DIFFERS'}`,
    );
    if (d.signature) lines.push(`    ${d.signature}`);
  }
  for (const s of r.steps) lines.push(`  [${s.status}] ${s.rule}: ${s.title}${s.detail ? ` — ${s.detail}` : ''}`);
  for (const e of r.errors) lines.push(`  error: ${e}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (r.reportFiles) lines.push(`Report: ${r.reportFiles.html} (JSON: ${r.reportFiles.json})`);
  if (r.outcome !== 'succeeded') lines.push(`Resume with: lifeboat restore --resume ${r.jobId}`);
  return lines.join('\n');
}

/** `lifeboat restore`: plan against the live target, confirm, run as a resumable job, report. */
export function createRestoreCommand(overrides: Partial<RestoreCommandDeps> = {}): RegisterCommand {
  const deps: RestoreCommandDeps = { ...defaultDeps, ...overrides };
  return (program, ctx) => {
    const restore = program
      .command('restore')
      .description('restore a VM (or its disks) from a restore point to vCenter or ESXi: plans by the restore rules, asks, then runs as a resumable job')
      .option('--vddk-dir <folder>', 'VDDK distribution folder (default: the vddkDir setting, then LIFEBOAT_VDDK_DIR)')
      .option('--vddk-config <file>', "extra VDDK config lines (default for the lab VDDK: the running lab's labvddk.conf)")
      .option('-y, --yes', 'run without asking after showing the plan')
      .option('--resume <job>', 'continue an interrupted or failed restore job from its checkpoint');
    withRestoreRequestOptions(withRepositoryOptions(restore)).action(
      commandAction(ctx, async (opts: RestoreOptions, command: Command) => {
        const { json } = globalOptions(command);
        const home = deps.home();
        const service = cliRestoreService(ctx, opts, json, home, deps.secrets());
        const request = opts.resume ? await service.savedRequest(opts.resume) : requestFromOptions(opts);
        const prepared = await service.prepare(request);
        try {
          if (!json) ctx.io.stderr(formatPlanText(prepared.plan) + '\n');
          else ctx.io.stdout(JSON.stringify({ event: 'plan', plan: prepared.plan }) + '\n');
          service.assertRunnable(prepared.plan, request);
          if (!opts.yes && !opts.resume) {
            if (!ctx.io.interactive) throw new CliError('not confirmed: pass --yes to run the plan shown above', ExitCode.usage);
            if (!(await deps.confirm('Run this restore? [y/N] '))) throw new CliError('restore not started', ExitCode.failure);
          }
          const controller = new AbortController();
          const onSigint = () => controller.abort(new CancelledError('cancelled (Ctrl+C); closing steps still run'));
          process.once('SIGINT', onSigint);
          try {
            const result = await service.run(prepared, {
              resumeJobId: opts.resume,
              signal: controller.signal,
              onStart: ({ jobId }) => {
                if (!json) ctx.io.stderr(`Job ${jobId} (resume with: lifeboat restore --resume ${jobId})\n`);
              },
              onProgress: progressPrinter(ctx.io, json),
            });
            const { report, reportFiles, reportProblem } = result;
            // A report that could not be saved is not lost: it goes to stderr in full.
            if (reportProblem) ctx.io.stderr(`lifeboat: ${reportProblem}; the report follows.\n${JSON.stringify(report, null, 2)}\n`);
            if (json) ctx.io.stdout(JSON.stringify({ event: 'result', ok: report.outcome === 'succeeded', ...report, reportFiles }) + '\n');
            else ctx.io.stdout(formatReport({ ...report, reportFiles }) + '\n');
            if (report.outcome === 'cancelled') return ExitCode.cancelled;
            return report.outcome === 'succeeded' ? ExitCode.ok : ExitCode.failure;
          } finally {
            process.removeListener('SIGINT', onSigint);
          }
        } finally {
          await prepared.close().catch(() => undefined);
        }
      }),
    );
  };
}

export const registerRestoreCommand: RegisterCommand = createRestoreCommand();
