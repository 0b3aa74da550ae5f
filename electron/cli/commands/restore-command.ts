import type { Command } from 'commander';
import { resolve } from 'node:path';
import { lifeboatHome } from '../../config/paths';
import { ConnectionStore } from '../../connections/connection-store';
import { MissingCredentialError } from '../../connections/open-connection';
import { askYesNo } from '../../connections/password-input';
import { environmentFactsFor } from '../../environment/environment-facts';
import { OsKeychain } from '../../keychain/os-keychain';
import type { SecretStore } from '../../keychain/secret-store';
import { formatPlanText } from '../../planner/plan-text';
import { RestoreCheckpointFile } from '../../restore/restore-checkpoint';
import type { RestoreProgress } from '../../restore/restore-job';
import type { RestoreReport } from '../../restore/restore-report';
import { newJobId, prepareRestore, restoreRequestSchema, runLiveRestore, type RestoreRequest } from '../../restore/restore-runner';
import { resolveVddkSetup } from '../../vddk/vddk-setup';
import { CliError, ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';
import { openRepository, repositoryCliError, withRepositoryOptions, type RepositoryOptions } from '../repository-options';
import { vddkCliError } from '../vddk-options';
import { parseHardwareVersionArg, parseNetworkMapArgs } from '../../restore/restore-choice-args';

const TRANSPORTS = ['auto', 'san', 'hotadd', 'nbdssl', 'nbd'] as const;

interface RestoreOptions extends RepositoryOptions {
  point?: string;
  connection?: string;
  datastore?: string;
  host?: string;
  name?: string;
  transport: string;
  disksOnly?: boolean;
  intoVm?: string;
  addAsNew?: boolean;
  verify: boolean;
  encryption: string;
  networkMap: string[];
  hardwareVersion?: string;
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

const MB = 1e6;

function progressPrinter(io: CliIo): (p: RestoreProgress) => void {
  let phase = '';
  let last = 0;
  return (p) => {
    if (p.phase !== phase) {
      phase = p.phase;
      io.stderr(`${p.phase}…\n`);
    }
    const now = Date.now();
    if (p.phase !== 'write-disks' || (now - last < 1000 && p.bytesDone < p.bytesTotal)) return;
    last = now;
    const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
    io.stderr(`  written ${(p.bytesDone / MB).toFixed(1)} of ${(p.bytesTotal / MB).toFixed(1)} MB (${pct}%)\n`);
  };
}

function formatReport(r: RestoreReport & { reportFiles: { json: string; html: string } }): string {
  const lines = [
    `${r.outcome === 'succeeded' ? 'Restore succeeded' : r.outcome === 'cancelled' ? 'Restore cancelled' : 'Restore FAILED'}: ${r.vm}` +
      `${r.restoredVm ? ` → ${r.restoredVm.name} (${r.restoredVm.moref})` : ''} on ${r.target} in ${r.durationSeconds.toFixed(1)} s (job ${r.jobId}).`,
  ];
  for (const d of r.disks) {
    lines.push(
      `  ${d.label}: ${d.transportUsed ?? d.transport}, ${(d.bytesWritten / MB).toFixed(1)} MB written` +
        `${d.megabytesPerSecond ? ` at ${d.megabytesPerSecond} MB/s` : ''}, ${d.verified === null ? 'not verified' : d.verified ? 'verified identical' : 'DIFFERS'}`,
    );
    if (d.signature) lines.push(`    ${d.signature}`);
  }
  for (const s of r.steps) lines.push(`  [${s.status}] ${s.rule}: ${s.title}${s.detail ? ` — ${s.detail}` : ''}`);
  for (const e of r.errors) lines.push(`  error: ${e}`);
  lines.push(`Report: ${r.reportFiles.html} (JSON: ${r.reportFiles.json})`);
  if (r.outcome !== 'succeeded') lines.push(`Resume with: lifeboat restore --resume ${r.jobId}`);
  return lines.join('\n');
}

/** `--network-map` and `--hardware-version`, checked; usage errors say what to write. */
export function targetChoices(opts: { networkMap?: string[]; hardwareVersion?: string }): { networkMap?: Record<string, string>; hardwareVersion?: string } {
  try {
    const networkMap = opts.networkMap?.length ? parseNetworkMapArgs(opts.networkMap) : undefined;
    return { networkMap, hardwareVersion: opts.hardwareVersion === undefined ? undefined : parseHardwareVersionArg(opts.hardwareVersion) };
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.usage);
  }
}

/** Commander collector for a repeatable option. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function requestFrom(opts: RestoreOptions): RestoreRequest {
  const missing = (['point', 'connection', 'datastore'] as const).filter((k) => !opts[k]);
  if (missing.length) {
    throw new CliError(`missing ${missing.map((m) => `--${m}`).join(', ')}`, ExitCode.usage, 'See `lifeboat restore --help`, or continue a job with --resume JOB.');
  }
  if (!(TRANSPORTS as readonly string[]).includes(opts.transport)) {
    throw new CliError(`unknown transport "${opts.transport}"`, ExitCode.usage, `Use one of ${TRANSPORTS.join(', ')}.`);
  }
  if (opts.addAsNew && !opts.disksOnly) throw new CliError('--add-as-new goes with --disks-only', ExitCode.usage);
  if (!['keep', 'new-keys', 'unencrypted'].includes(opts.encryption)) {
    throw new CliError(`unknown --encryption "${opts.encryption}"`, ExitCode.usage, 'Use keep, new-keys or unencrypted (CRYPT-* fallbacks are never chosen silently).');
  }
  const repo = opts.repo ?? process.env.LIFEBOAT_REPO;
  if (!repo) throw new CliError('no repository given', ExitCode.usage, 'Pass --repo DIR (or set LIFEBOAT_REPO).');
  const choices = targetChoices(opts);
  return restoreRequestSchema.parse({
    ...choices,
    repo: resolve(repo),
    point: opts.point,
    connection: opts.connection,
    datastore: opts.datastore,
    host: opts.host,
    name: opts.name,
    transport: opts.transport,
    kind: opts.disksOnly ? 'disks' : 'full-vm',
    intoVm: opts.intoVm,
    addAsNew: Boolean(opts.addAsNew),
    verify: opts.verify,
    encryption: opts.encryption,
  });
}

/** `lifeboat restore`: plan against the live target, confirm, run as a resumable job, report. */
export function createRestoreCommand(overrides: Partial<RestoreCommandDeps> = {}): RegisterCommand {
  const deps: RestoreCommandDeps = { ...defaultDeps, ...overrides };
  return (program, ctx) => {
    const restore = program
      .command('restore')
      .description('restore a VM (or its disks) from a restore point to vCenter or ESXi: plans by the restore rules, asks, then runs as a resumable job')
      .option('--point <id>', 'restore point id or unique prefix (see `lifeboat repo list`)')
      .option('--connection <name>', 'saved connection of the target vCenter or ESXi host')
      .option('--datastore <name>', 'target datastore')
      .option('--host <name>', 'target ESXi host (default: a connected host that reaches the datastore)')
      .option('--name <vm>', 'name of the restored VM (default: <original>-restored)')
      .option('--transport <mode>', `auto picks by the rules; or one of ${TRANSPORTS.slice(1).join(', ')}`, 'auto')
      .option('--disks-only', 'overwrite the disks of an existing VM instead of creating a new VM')
      .option('--into-vm <name>', 'with --disks-only: the VM whose disks are overwritten (default: the original)')
      .option('--add-as-new', 'with --disks-only: add the restore point disks to the VM as new disks instead of overwriting')
      .option('--no-verify', 'skip reading every disk back after writing')
      .option('--encryption <choice>', 'keep (same keys), new-keys or unencrypted; CRYPT-* fallbacks are your explicit choice', 'keep')
      .option('--network-map <SRC=DST>', 'connect NICs of source network SRC to network DST of the target host (repeatable; DATA-NETWORK-MAP)', collect, [])
      .option('--hardware-version <vmx-NN>', 'create the VM with this lower hardware version the target host supports (DATA-HW-VERSION)')
      .option('--vddk-dir <folder>', 'VDDK distribution folder (default: the vddkDir setting, then LIFEBOAT_VDDK_DIR)')
      .option('--vddk-config <file>', "extra VDDK config lines (default for the lab VDDK: the running lab's labvddk.conf)")
      .option('-y, --yes', 'run without asking after showing the plan')
      .option('--resume <job>', 'continue an interrupted or failed restore job from its checkpoint');
    withRepositoryOptions(restore).action(
      commandAction(ctx, async (opts: RestoreOptions, command: Command) => {
        const { json } = globalOptions(command);
        const home = deps.home();
        const secrets = deps.secrets();
        const request = opts.resume
          ? restoreRequestSchema.parse((await RestoreCheckpointFile.load(home, opts.resume).catch((e: Error) => { throw new CliError(e.message, ExitCode.usage, 'See the job ids in the Lifeboat folder (jobs/).'); })).data.request)
          : requestFrom(opts);
        const vddk = await resolveVddkSetup({ dir: opts.vddkDir, configFile: opts.vddkConfig, home }).catch(vddkCliError);
        const repo = await openRepository(ctx, { ...opts, repo: request.repo }, json);
        const liveDeps = {
          repo,
          connections: new ConnectionStore(home),
          secrets,
          environment: () => environmentFactsFor(home, 'cli', secrets),
        };
        const prepared = await prepareRestore(request, liveDeps).catch((err: unknown) => {
          if (err instanceof MissingCredentialError) throw new CliError(err.message, ExitCode.failure, 'Run `lifeboat connect add` again to save the password.');
          return repositoryCliError(err);
        });
        try {
          if (!json) ctx.io.stderr(formatPlanText(prepared.plan) + '\n');
          if (!prepared.plan.ok) {
            if (json) printResult(ctx.io, true, { ok: false, plan: prepared.plan }, () => '');
            throw new CliError('the plan is blocked by a restore rule; nothing was changed', ExitCode.blocked, 'Read the block findings above and their remedies.');
          }
          if (!opts.yes && !opts.resume) {
            if (!ctx.io.interactive) throw new CliError('not confirmed: pass --yes to run the plan shown above', ExitCode.usage);
            if (!(await deps.confirm('Run this restore? [y/N] '))) throw new CliError('restore not started', ExitCode.failure);
          }
          const controller = new AbortController();
          const onSigint = () => controller.abort(new Error('cancelled (Ctrl+C); closing steps still run'));
          process.once('SIGINT', onSigint);
          try {
            const jobId = opts.resume ?? newJobId();
            if (!json) ctx.io.stderr(`Job ${jobId} (resume with: lifeboat restore --resume ${jobId})\n`);
            const { report, reportFiles } = await runLiveRestore(prepared, liveDeps, {
              home,
              jobId,
              vddk,
              resume: Boolean(opts.resume),
              signal: controller.signal,
              onProgress: json ? undefined : progressPrinter(ctx.io),
            });
            printResult(ctx.io, json, { ...report, reportFiles }, formatReport);
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
