import type { Command } from 'commander';
import { lifeboatHome } from '../../config/paths';
import { BadInputError } from '../../errors/lifeboat-error';
import { listJobs, showJob, type JobDetail } from '../../jobs/job-list';
import type { JobSummary } from '../../jobs/job-summary';
import { printResult } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';

/** What the jobs command reaches outside itself; tests give their own home. */
export interface JobsCommandDeps {
  home: () => string;
}

interface ResumeOptions {
  passwordFile?: string;
  passwordStdin?: boolean;
  vddkDir?: string;
  vddkConfig?: string;
  connectionPasswordFile?: string;
  connectionPasswordStdin?: boolean;
}

function summaryLine(j: JobSummary): string {
  const when = j.finishedAt ? `${j.startedAt} → ${j.finishedAt}` : j.state === 'running' ? `since ${j.startedAt}` : `started ${j.startedAt}`;
  const vm = j.vm ? `${j.vm}${j.restoredVm && j.restoredVm !== j.vm ? ` → ${j.restoredVm}` : ''}` : '(VM not known yet)';
  const kind = j.kind === 'backup' ? `backup${j.backupKind ? ` (${j.backupKind})` : ''}` : (j.restoreKind ?? j.kind);
  return `${j.id}  ${j.state.padEnd(11)} ${kind}  ${vm}  ${when}${j.problem ? `\n  problem: ${j.problem}` : ''}`;
}

/** A backup job: what it read from where, the point it made (or why it failed) and its record. */
function backupDetailText(j: JobDetail): string {
  const b = j.backup;
  const lines = [summaryLine(j), `  connection ${j.connection ?? '?'}, repository ${b?.request?.repo ?? '?'}, transport ${b?.request?.transport ?? '?'}`];
  if (b?.result) lines.push(`  restore point ${b.result.pointId ?? '?'} (${b.result.kind ?? '?'}), ${b.result.bytesRead ?? 0} bytes read`);
  if (b?.error?.message) lines.push(`  error: ${b.error.message}${b.error.rule ? ` (${b.error.rule})` : ''}`);
  for (const n of b?.error?.notes ?? []) lines.push(`  note: ${n}`);
  lines.push(`  record: ${j.checkpointFile}`);
  return lines.join('\n');
}

function detailText(j: JobDetail): string {
  if (j.kind === 'backup') return backupDetailText(j);
  const lines = [summaryLine(j), `  connection ${j.connection ?? '?'}, restore point ${j.pointId ?? '?'}`, `  checkpoint: ${j.checkpointFile}`];
  if (j.reportFiles) lines.push(`  report: ${j.reportFiles.html} (JSON: ${j.reportFiles.json})`);
  // A phase the checkpoint left "running" in a job that no longer runs was cut off there.
  const status = (s: string) => (s === 'running' && j.state !== 'running' ? 'interrupted' : s);
  for (const p of j.phases) lines.push(`  [${status(p.status)}] ${p.rule}: ${p.title}${p.detail ? ` — ${p.detail}` : ''}`);
  for (const e of j.report?.errors ?? []) lines.push(`  error: ${e}`);
  if (j.resumable) lines.push(`Resume with: lifeboat jobs resume ${j.id}`);
  return lines.join('\n');
}

/** The restore command's argv for a resume: exactly `lifeboat restore --resume JOB` with the secrets' sources passed on. */
function restoreArgs(jobId: string, opts: ResumeOptions): string[] {
  const args = ['--resume', jobId];
  const pass = (flag: string, value: string | boolean | undefined) => {
    if (typeof value === 'string') args.push(flag, value);
    else if (value) args.push(flag);
  };
  pass('--password-file', opts.passwordFile);
  pass('--password-stdin', opts.passwordStdin);
  pass('--vddk-dir', opts.vddkDir);
  pass('--vddk-config', opts.vddkConfig);
  pass('--connection-password-file', opts.connectionPasswordFile);
  pass('--connection-password-stdin', opts.connectionPasswordStdin);
  return args;
}

/** `lifeboat jobs list|show|resume`: the jobs in `<LIFEBOAT_HOME>/jobs`, their state and reports. */
export function createJobsCommand(overrides: Partial<JobsCommandDeps> = {}): RegisterCommand {
  const deps: JobsCommandDeps = { home: () => lifeboatHome(), ...overrides };
  return (program, ctx) => {
    const jobs = program.command('jobs').description('list restore, recovery and backup jobs (running, succeeded, failed, cancelled, interrupted), show one, resume one');

    jobs
      .command('list')
      .description('every job on this workstation, newest first, with its state and report')
      .action(
        commandAction(ctx, async (_opts: unknown, command: Command) => {
          const { json } = globalOptions(command);
          const all = await listJobs(deps.home());
          printResult(ctx.io, json, { ok: true, jobs: all }, (r) => (r.jobs.length ? r.jobs.map(summaryLine).join('\n') : 'No jobs yet.'));
        }),
      );

    jobs
      .command('show')
      .description('one job: its request, every phase with its rule ID, the report and how to resume it')
      .argument('<job>', 'job id (see `lifeboat jobs list`)')
      .action(
        commandAction(ctx, async (jobId: string, _opts: unknown, command: Command) => {
          const { json } = globalOptions(command);
          printResult(ctx.io, json, { ok: true, job: await showJob(deps.home(), jobId) }, (r) => detailText(r.job));
        }),
      );

    jobs
      .command('resume')
      .description('continue a failed, cancelled or interrupted restore job from its checkpoint (the same as `lifeboat restore --resume JOB`)')
      .argument('<job>', 'job id (see `lifeboat jobs list`)')
      .option('--password-file <file>', 'read the repository password from this file (first line)')
      .option('--password-stdin', 'read the repository password from standard input')
      .option('--vddk-dir <folder>', 'VDDK distribution folder (default: the vddkDir setting, then LIFEBOAT_VDDK_DIR)')
      .option('--vddk-config <file>', "extra VDDK config lines (default for the lab VDDK: the running lab's labvddk.conf)")
      .option('--connection-password-file <file>', 'the vSphere password for this session (no keychain)')
      .option('--connection-password-stdin', 'read the vSphere password for this session from standard input')
      .action(
        commandAction(ctx, async (jobId: string, opts: ResumeOptions) => {
          const job = await showJob(deps.home(), jobId);
          if (job.kind === 'backup') {
            throw new BadInputError(`job ${jobId} is a backup`, 'job-not-resumable', 'A backup is not resumed: run `lifeboat backup` again (it reads only what changed when an incremental is possible).');
          }
          if (job.kind === 'recovery') {
            throw new BadInputError(`job ${jobId} is a recovery`, 'job-not-resumable', `Resume it with \`lifeboat recovery run FILE --resume ${jobId}\` (the plan file it was started from).`);
          }
          if (!job.resumable) {
            throw new BadInputError(
              `job ${jobId} is ${job.state}${job.problem ? ` (${job.problem})` : ''}; only failed, cancelled or interrupted jobs can be resumed`,
              'job-not-resumable',
              job.state === 'running' ? 'Wait for it to end (or stop it), then resume it.' : 'See `lifeboat jobs show ' + jobId + '`.',
            );
          }
          const restore = program.commands.find((c) => c.name() === 'restore');
          if (!restore) throw new Error('the restore command is not registered');
          await restore.parseAsync(restoreArgs(jobId, opts), { from: 'user' });
          return ctx.exitCode;
        }),
      );
  };
}

export const registerJobsCommand: RegisterCommand = createJobsCommand();
