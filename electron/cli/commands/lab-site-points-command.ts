import { existsSync, readdirSync } from 'node:fs';
import type { Command } from 'commander';
import type { BackupProgress } from '../../backup/backup-progress';
import { ConnectionStore } from '../../connections/connection-store';
import { BackupService } from '../../engine/backup-service';
import type { SecretStore } from '../../keychain/secret-store';
import { LAB_CONNECTION_NAME } from '../../lab/lab-connection';
import { backgroundLabStatus } from '../../lab/lab-daemon';
import type { LabSiteVm } from '../../lab/lab-info';
import type { LabState } from '../../lab/lab-state';
import { LocalFolderBackend } from '../../repository/local-folder-backend';
import { Repository } from '../../repository/repository';
import { newRepositoryPassword } from '../../repository/repository-password';
import { rememberPassword } from '../../repository/repository-unlock';
import { labVddkDir } from '../../vddk/vddk-discovery';
import { resolveVddkSetup } from '../../vddk/vddk-setup';
import { CliError, ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type CommandContext } from '../command-action';
import { cliSessionSecrets, withConnectionPasswordOptions, type ConnectionPasswordOptions } from '../connection-password-options';
import { openRepository, repoCommandDeps, reportRemembered, repositoryDir, withRepositoryOptions, type RepositoryOptions } from '../repository-options';

const TRANSPORTS = ['nbdssl', 'nbd', 'hotadd', 'san'] as const;
const MiB = 1024 * 1024;

interface SitePointsOptions extends RepositoryOptions, ConnectionPasswordOptions {
  vms?: string;
  transport: string;
}

/** One site VM's outcome, in the order the VMs were backed up. */
export interface SitePointResult {
  vm: string;
  host: string;
  datastore: string;
  ok: boolean;
  pointId?: string;
  kind?: 'full' | 'incremental';
  bytesRead?: number;
  durationMs?: number;
  error?: string;
}

export interface SitePointsResult {
  ok: boolean;
  repository: string;
  repositoryId: string;
  /** True when this command created the repository. */
  created: boolean;
  points: SitePointResult[];
}

/** The running site lab, or a clear error saying how to get one. */
async function runningSiteLab(home: string): Promise<LabState> {
  const status = await backgroundLabStatus(home);
  if (!status.state || !status.running) {
    throw new CliError('no lab is running', ExitCode.failure, 'Start the site lab first: `lifeboat lab start --site`.');
  }
  if (status.state.siteVms.length === 0) {
    throw new CliError(
      'the running lab has no site VMs (it was started without --site)',
      ExitCode.failure,
      'Stop it with `lifeboat lab stop`, then start it with `lifeboat lab start --site`.',
    );
  }
  return status.state;
}

/** The site VMs `--vms a,b` names (all of them without it), refusing names the site does not have. */
export function chooseSiteVms(site: LabSiteVm[], list: string | undefined): LabSiteVm[] {
  if (list === undefined) return site;
  const names = list.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new CliError('--vms names no VM', ExitCode.usage, 'Give site VM names separated by commas, e.g. --vms dc01,sql01.');
  const unknown = names.filter((n) => !site.some((v) => v.name === n));
  if (unknown.length > 0) {
    throw new CliError(`the site has no VM named ${unknown.join(', ')}`, ExitCode.usage, `Site VMs: ${site.map((v) => v.name).join(', ')}.`);
  }
  return site.filter((v) => names.includes(v.name));
}

/** Opens the repository, or creates it when its folder is missing or empty (password from file/stdin/prompt, never argv). */
async function openOrCreateRepository(
  ctx: CommandContext,
  opts: SitePointsOptions,
  json: boolean,
  keychain: () => SecretStore,
): Promise<{ repo: Repository; dir: string; created: boolean }> {
  const dir = repositoryDir(opts);
  const empty = !existsSync(dir) || readdirSync(dir).length === 0;
  if (!empty) return { repo: await openRepository(ctx, opts, json, { input: repoCommandDeps.input, keychain }), dir, created: false };
  const req = { passwordFile: opts.passwordFile, passwordStdin: opts.passwordStdin, env: process.env };
  const { password } = await newRepositoryPassword(req, repoCommandDeps.input(ctx.io));
  const repo = await Repository.init(new LocalFolderBackend(dir), password);
  if (opts.remember) reportRemembered(ctx.io, json, repo.id, await rememberPassword(keychain(), repo.id, password));
  if (!json) ctx.io.stderr(`Created repository ${repo.id} at ${dir}.\n`);
  return { repo, dir, created: true };
}

/** One line when a VM's backup starts reading, then at most one every 2 s. */
function vmProgress(io: CliIo, prefix: string): (p: BackupProgress) => void {
  let last = 0;
  return (p) => {
    if (p.phase !== 'reading') return;
    const now = Date.now();
    if (now - last < 2000 && p.bytesDone < p.bytesTotal) return;
    last = now;
    io.stderr(`${prefix} read ${(p.bytesDone / MiB).toFixed(1)} of ${(p.bytesTotal / MiB).toFixed(1)} MiB\n`);
  };
}

function formatResult(r: SitePointsResult): string {
  const lines = [`${r.created ? 'Created' : 'Used'} repository ${r.repositoryId} at ${r.repository}.`];
  for (const p of r.points) {
    lines.push(
      p.ok
        ? `  ${p.vm.padEnd(8)} ${p.pointId!.slice(0, 12)} ${p.kind} ${((p.bytesRead ?? 0) / MiB).toFixed(1)} MiB read in ${((p.durationMs ?? 0) / 1000).toFixed(1)} s`
        : `  ${p.vm.padEnd(8)} FAILED: ${p.error}`,
    );
  }
  const failed = r.points.filter((p) => !p.ok).length;
  lines.push(failed ? `${failed} of ${r.points.length} site VMs failed; run the command again for them (--vms).` : `${r.points.length} restore point${r.points.length === 1 ? '' : 's'} made.`);
  return lines.join('\n');
}

/**
 * `lifeboat lab site-points`: a restore point of every site VM (or `--vms`)
 * of the running site lab, made by the real backup (the lab VDDK, connection
 * "lab"), one VM after another; a failed VM does not stop the others.
 */
export function registerLabSitePoints(lab: Command, ctx: CommandContext, deps: { home: () => string; secrets: () => SecretStore }): void {
  const cmd = lab
    .command('site-points')
    .description('back up the site lab\'s VMs (`lab start --site`) into a repository, creating it if the folder is missing or empty')
    .option('--vms <names>', 'only these site VMs, separated by commas (default: all 30)')
    .option('--transport <mode>', `VDDK transport: ${TRANSPORTS.join(', ')}`, 'nbdssl');
  withConnectionPasswordOptions(withRepositoryOptions(cmd, 'save the repository password in the OS keychain')).action(
    commandAction(ctx, async (opts: SitePointsOptions, command: Command) => {
      const { json } = globalOptions(command);
      if (!(TRANSPORTS as readonly string[]).includes(opts.transport)) {
        throw new CliError(`unknown transport "${opts.transport}"`, ExitCode.usage, `Use one of ${TRANSPORTS.join(', ')}.`);
      }
      const home = deps.home();
      const state = await runningSiteLab(home);
      const vms = chooseSiteVms(state.siteVms, opts.vms);
      const connections = new ConnectionStore(home);
      const profile = await connections.get(LAB_CONNECTION_NAME);
      if (!profile) throw new CliError('the lab\'s connection "lab" is missing', ExitCode.failure, 'Restart the lab: `lifeboat lab stop`, `lifeboat lab start --site`.');
      const keychain = deps.secrets();
      const { secrets, bind } = await cliSessionSecrets(opts, keychain, connections);
      await bind(LAB_CONNECTION_NAME);
      const vddk = await resolveVddkSetup({ dir: labVddkDir(), configFile: state.vddkConfigFile, home });
      const { repo, dir, created } = await openOrCreateRepository(ctx, opts, json, () => keychain);
      // The command loops over VMs and renders; each backup is the backup service's (plan, job, report).
      const service = new BackupService({ home, connections, secrets, openRepository: async () => repo, vddk: async () => vddk });
      const controller = new AbortController();
      const onSigint = () => controller.abort(new Error('cancelled (Ctrl+C)'));
      process.once('SIGINT', onSigint);
      const points: SitePointResult[] = [];
      try {
        for (const [i, vm] of vms.entries()) {
          if (controller.signal.aborted) break;
          const prefix = `[${i + 1}/${vms.length}] ${vm.name}:`;
          if (!json) ctx.io.stderr(`${prefix} backing up (${vm.diskMiB.join(' + ')} MiB on ${vm.datastore}, host ${vm.host})\n`);
          const where = { vm: vm.name, host: vm.host, datastore: vm.datastore };
          try {
            const request = service.parseRequest({ repo: dir, connection: LAB_CONNECTION_NAME, vm: vm.name, transport: opts.transport });
            const { result: r } = await service.start(request, { signal: controller.signal, onProgress: json ? undefined : vmProgress(ctx.io, prefix) });
            points.push({ ...where, ok: true, pointId: r.pointId, kind: r.kind, bytesRead: r.bytesRead, durationMs: r.durationMs });
            if (!json) ctx.io.stderr(`${prefix} restore point ${r.pointId.slice(0, 12)} (${r.kind})\n`);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            points.push({ ...where, ok: false, error: message });
            if (!json) ctx.io.stderr(`${prefix} failed: ${message}\n`);
          }
        }
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      if (controller.signal.aborted) throw new CliError(`cancelled after ${points.length} of ${vms.length} site VMs`, ExitCode.cancelled);
      const result: SitePointsResult = { ok: points.every((p) => p.ok), repository: dir, repositoryId: repo.id, created, points };
      printResult(ctx.io, json, result, formatResult);
      return result.ok ? ExitCode.ok : ExitCode.failure;
    }),
  );
}
