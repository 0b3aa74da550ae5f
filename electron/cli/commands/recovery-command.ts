import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { SecretStore } from '../../keychain/secret-store';
import { ConnectionStore } from '../../connections/connection-store';
import { lifeboatHome } from '../../config/paths';
import { RecoveryService } from '../../engine/recovery-service';
import type { Repository } from '../../repository/repository';
import { parseRecoveryPlan } from '../../recovery/recovery-plan-parse';
import { formatRecoveryPlanText } from '../../recovery/recovery-plan-text';
import { ExitCode } from '../cli-error';
import { printResult } from '../cli-output';
import { commandAction, globalOptions, type CommandContext, type RegisterCommand } from '../command-action';
import { cliSessionSecrets, withConnectionPasswordOptions, type ConnectionPasswordOptions } from '../connection-password-options';
import { openRepository, repoCommandDeps } from '../repository-options';
import { cliRestoreService } from '../restore-service-cli';

/** The repository password sources of a recovery (its folder is in the plan file). */
export interface RecoveryCommandOptions extends ConnectionPasswordOptions {
  passwordFile?: string;
  passwordStdin?: boolean;
  vddkDir?: string;
  vddkConfig?: string;
}

const EXAMPLE = `
A recovery plan file (YAML; a commented example of every field: resources/recovery/example-recovery-plan.yaml):

  name: Site A recovery
  repository: ../backups/site-a        # relative to this file's folder
  connection: dr-vcenter               # lifeboat connect list
  defaults:
    datastore: DR-DS-01
    cluster: DR-Cluster                # or host: esx-01 (not both)
    networkMap: { Prod-VLAN10: DR-VLAN10 }
    powerOn: true
  limits:
    sanStreamsPerHost: 6               # XPORT-SAN-STREAMS: at most 6
  groups:
    - name: identity
      vms:
        - vm: dc01
        - vm: dns01
          point: latest before 2026-11-28T18:00:00Z
      then: { waitFor: powered-on, delaySeconds: 120 }
    - name: databases
      vms:
        - { vm: sql01, datastore: DR-DS-02 }
`;

/** The recovery service as the CLI runs it (repository password from the CLI's sources, VDDK from options or settings). */
export async function cliRecoveryService(
  ctx: CommandContext,
  opts: RecoveryCommandOptions,
  json: boolean,
  planFile: string,
  deps: { home: string; keychain: SecretStore } = { home: lifeboatHome(), keychain: repoCommandDeps.keychain() },
): Promise<RecoveryService> {
  const { home } = deps;
  const connections = new ConnectionStore(home);
  const session = await cliSessionSecrets(opts, deps.keychain, connections);
  if (opts.connectionPasswordFile || opts.connectionPasswordStdin) {
    // The session password is for the plan's connection: read it from the file (its problems are the plan's own).
    await session.bind(parseRecoveryPlan(await readFile(planFile, 'utf8').catch(() => ''), planFile).connection);
  }
  // One unlock per repository for the whole plan (the password is read once, the key derived once), shared with every VM's restore.
  const opened = new Map<string, Promise<Repository>>();
  const open = (path: string) => {
    if (!opened.has(path)) opened.set(path, openRepository(ctx, { ...opts, repo: path }, json));
    return opened.get(path)!;
  };
  return new RecoveryService({ home, restore: cliRestoreService(ctx, { ...opts, repo: undefined }, json, home, session.secrets, open), connections, secrets: session.secrets, openRepository: open });
}

/** The options every `recovery` subcommand takes: the repository password, the connection password. */
export function withRecoveryOptions(cmd: Command): Command {
  return withConnectionPasswordOptions(
    cmd
      .option('--password-file <file>', 'read the repository password from this file (first line; default: $LIFEBOAT_REPO_PASSWORD_FILE, else the keychain)')
      .option('--password-stdin', 'read the repository password from standard input'),
  );
}

/**
 * `lifeboat recovery …`: a site's runbook. Returns the group so more
 * subcommands (`run`) attach to it.
 */
export function recoveryCommandGroup(program: Command, ctx: CommandContext): Command {
  const group = program
    .command('recovery')
    .description('Recovery plans: restore a whole site\'s VMs group by group from one YAML file (plan it, then run it).');
  withRecoveryOptions(
    group
      .command('plan')
      .argument('<file>', 'the recovery plan file (YAML)')
      .description(
        'Plan every VM of a recovery plan file with the same planner as a single restore, plus the checks no single plan can make: ' +
          'free space per datastore summed over its VMs, names inside the plan, streams per host, the time of each group and of the whole plan. ' +
          'Changes nothing. Exit 0 when it can run, 3 when a rule blocks it, 2 when the file (or what it names) is wrong.',
      ),
  )
    .addHelpText('after', `${EXAMPLE}\nExamples:\n  lifeboat recovery plan site-a.yaml\n  lifeboat recovery plan site-a.yaml --json --password-file ~/.lifeboat-repo-pw\n\nExit codes: 0 the plan can run, 3 a rule blocks it, 2 bad input (file, restore point, connection, datastore, host, cluster), 1 other failures.\n`)
    .action(
      commandAction(ctx, async (file: string, opts: RecoveryCommandOptions, command: Command) => {
        const { json } = globalOptions(command);
        const service = await cliRecoveryService(ctx, opts, json, file);
        const view = await service.plan({ path: file });
        printResult(ctx.io, json, view, formatRecoveryPlanText);
        return view.ok ? ExitCode.ok : ExitCode.blocked;
      }),
    );
  return group;
}

export const registerRecoveryCommand: RegisterCommand = (program, ctx) => {
  recoveryCommandGroup(program, ctx);
};
