import type { Command } from 'commander';
import { CliError, ExitCode } from '../cli-error';
import { printResult } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';
import { lifeboatHome } from '../../config/paths';
import { OsKeychain } from '../../keychain/os-keychain';
import type { SecretStore } from '../../keychain/secret-store';
import {
  backgroundLabStatus,
  LabAlreadyRunningError,
  startBackgroundLab,
  stopBackgroundLab,
  type BackgroundLabStart,
  type LabStatus,
  type LabStopResult,
} from '../../lab/lab-daemon';
import type { LabState } from '../../lab/lab-state';
import { VcsimToolchainMissingError } from '../../lab/vcsim-build';
import { registerLabSitePoints } from './lab-site-points-command';

/** What the lab command needs from outside; tests point these elsewhere. */
export interface LabDeps {
  home: () => string;
  secrets: () => SecretStore;
}

const defaultDeps: LabDeps = { home: () => lifeboatHome(), secrets: () => new OsKeychain() };

interface StartOptions {
  mode: string;
  hosts?: string;
  site?: boolean;
  vms: string;
  managed?: boolean;
  keep?: boolean;
  datastoreRoot?: string;
}

function count(value: string, option: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${option} must be a whole number of at least ${min}, not "${value}"`, ExitCode.usage);
  return n;
}

function describeLab(s: LabState): string {
  const lines = [
    `  URL:        ${s.url}  (${s.mode} mode, pid ${s.pid})`,
    `  User:       ${s.username}`,
    `  SHA-256:    ${s.thumbprintSha256}`,
    `  SHA-1:      ${s.thumbprintSha1}`,
    ...s.datastores.map((d) => `  Datastore:  ${d.name} (${d.type}) in ${d.folder}`),
    ...s.hosts.map((h) => `  Host:       ${h.name}${h.managementServerIp ? ` (managed by ${h.managementServerIp})` : ''}`),
    `  VMs:        ${s.vms.join(', ')} + ${s.bulkVms} plain VMs`,
    ...(s.siteVms.length ? [`  Site:       ${s.siteVms.length} VMs (${s.siteVms.map((v) => v.name).join(', ')})`] : []),
    `  Log:        ${s.logFile}`,
    `  Lab VDDK:   ${s.vddkConfigFile} (VDDK config with the datastore folders)`,
  ];
  return lines.join('\n');
}

function startText(r: BackgroundLabStart): string {
  const cleaned = r.leftoversRemoved.length
    ? `Removed the folders of an earlier lab whose simulator had died: ${r.leftoversRemoved.join(', ')}\n`
    : '';
  const head = `${cleaned}Lab started.\n${describeLab(r.state)}\n`;
  if (r.password === undefined) {
    return `${head}  Password:   saved in the OS keychain as "${r.state.keychainAccount}"\n  Connection: saved as "lab" (try: lifeboat connect test lab)\n`;
  }
  return (
    `${head}  Password:   ${r.password}\n` +
    `  Not saved: ${r.keychainError}\n` +
    '  The password above is shown once and saved nowhere; copy it now.\n' +
    '  Connection: saved as "lab" without its password; give it per session with --connection-password-file FILE\n'
  );
}

function statusText(s: LabStatus): string {
  if (!s.state) return 'No lab is running.';
  if (!s.running)
    return `The lab is not running: ${s.detail}.\nRun \`lifeboat lab stop\` to clean up, then \`lifeboat lab start\`.`;
  const health = s.answering ? 'running and answering' : `running but not answering (${s.detail})`;
  return `Lab ${health}.\n${describeLab(s.state)}`;
}

function stopText(r: LabStopResult): string {
  return r.stopped ? `Lab ${r.detail}.` : 'No lab is running; nothing to stop.';
}

export function createLabCommand(overrides: Partial<LabDeps> = {}): RegisterCommand {
  const deps: LabDeps = { ...defaultDeps, ...overrides };
  return (program, ctx) => {
    const lab = program
      .command('lab')
      .description('Run the lab: a vSphere simulator (vcsim) with datastores, hosts and special VMs for rehearsals and tests.');

    lab
      .command('start')
      .description('Build the simulator if needed and start it in the background. Its password goes to the OS keychain.')
      .option('--mode <mode>', 'vcenter (a vCenter with a cluster) or esxi (one standalone host)', 'vcenter')
      .option('--hosts <n>', 'number of hosts in the cluster (vcenter mode; default 2, or 3 with --site)')
      .option('--vms <n>', 'number of plain VMs besides the special ones (5000 is fine)', '4')
      .option('--site', 'vcenter mode: add a small company\'s site (30 named VMs on site-ds-01/02 over 3 hosts) to rehearse a site recovery')
      .option('--managed', 'esxi mode: the host reports it is managed by a vCenter (rule CONN-HOST-MANAGED)')
      .option('--keep', 'keep the datastore folders after `lab stop`')
      .option(
        '--datastore-root <dir>',
        'folder to hold the datastore folders (default: a new folder in /dev/shm or the temp folder)',
      )
      .addHelpText(
        'after',
        '\nNeeds Go and the govmomi source: sudo apt-get install golang-go golang-github-vmware-govmomi-dev\n',
      )
      .action(
        commandAction(ctx, async (opts: StartOptions, command: Command) => {
          const { json } = globalOptions(command);
          if (opts.mode !== 'vcenter' && opts.mode !== 'esxi') {
            throw new CliError(`--mode must be vcenter or esxi, not "${opts.mode}"`, ExitCode.usage);
          }
          if (opts.managed && opts.mode !== 'esxi') throw new CliError('--managed applies to --mode esxi only', ExitCode.usage);
          if (opts.site && opts.mode !== 'vcenter') throw new CliError('--site applies to --mode vcenter only (a site runs on a cluster)', ExitCode.usage);
          const hosts = opts.hosts === undefined ? undefined : count(opts.hosts, '--hosts', opts.site ? 3 : 1);
          const progress = json ? undefined : (line: string) => ctx.io.stderr(`${line}\n`);
          progress?.('Starting the lab ...');
          let result: BackgroundLabStart;
          try {
            result = await startBackgroundLab(deps.home(), deps.secrets(), {
              mode: opts.mode,
              hosts,
              site: opts.site,
              vms: count(opts.vms, '--vms', 0),
              managed: opts.managed,
              keep: opts.keep,
              datastoreRoot: opts.datastoreRoot,
              build: { onProgress: progress },
            });
          } catch (err) {
            if (err instanceof LabAlreadyRunningError) {
              throw new CliError(
                err.message,
                ExitCode.failure,
                'Stop it first with `lifeboat lab stop`, or use it: `lifeboat lab status`.',
              );
            }
            if (err instanceof VcsimToolchainMissingError) throw new CliError(err.message, ExitCode.failure);
            throw err;
          }
          const out = {
            ok: true,
            ...result.state,
            password: result.password,
            keychainError: result.keychainError,
            leftoversRemoved: result.leftoversRemoved,
          };
          printResult(ctx.io, json, out, () => startText(result));
        }),
      );

    lab
      .command('status')
      .description('Say whether the lab runs and answers; exit code 1 when it does not.')
      .action(
        commandAction(ctx, async (_opts: unknown, command: Command) => {
          const { json } = globalOptions(command);
          const status = await backgroundLabStatus(deps.home());
          printResult(ctx.io, json, { ...status, state: status.state }, statusText);
          return status.running && status.answering ? ExitCode.ok : ExitCode.failure;
        }),
      );

    registerLabSitePoints(lab, ctx, deps);

    lab
      .command('stop')
      .description('Stop the background lab (SIGTERM), remove its folders and its keychain entry.')
      .action(
        commandAction(ctx, async (_opts: unknown, command: Command) => {
          const { json } = globalOptions(command);
          if (!json) ctx.io.stderr('Stopping the lab ...\n');
          const result = await stopBackgroundLab(deps.home(), deps.secrets());
          printResult(ctx.io, json, result, stopText);
        }),
      );
  };
}

export const registerLabCommand: RegisterCommand = createLabCommand();
