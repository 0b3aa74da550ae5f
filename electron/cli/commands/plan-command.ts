import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type CommandContext, type RegisterCommand } from '../command-action';
import { openRepository, repoCommandDeps, repositoryCliError, type RepositoryOptions } from '../repository-options';
import { lifeboatHome } from '../../config/paths';
import { ConnectionStore } from '../../connections/connection-store';
import { environmentFactsFor } from '../../environment/environment-facts';
import type { Plan } from '../../planner/plan-types';
import { prepareRestore } from '../../restore/restore-runner';
import { collect, targetChoices } from './restore-command';
import { parseJsonText } from '../../planner/json-text';
import { planRestore } from '../../planner/plan-restore';
import { formatPlanText } from '../../planner/plan-text';
import { parseScenario, type ScenarioIssue } from '../../planner/scenario-parse';

/** Options of the live form (`--repo … --point …`). */
const LIVE_OPTIONS = ['repo', 'point', 'connection', 'host', 'datastore', 'transport', 'networkMap', 'hardwareVersion'] as const;
const TRANSPORTS = ['auto', 'san', 'hotadd', 'nbdssl', 'nbd'] as const;

interface PlanOptions extends RepositoryOptions {
  scenario?: string;
  point?: string;
  connection?: string;
  host?: string;
  datastore?: string;
  transport?: string;
  networkMap?: string[];
  hardwareVersion?: string;
}

/**
 * The live form: the same facts a restore would gather (workstation,
 * connection, target, restore point), handed to the same pure planner.
 */
async function planLive(ctx: CommandContext, opts: PlanOptions, json: boolean): Promise<Plan> {
  const missing = (['point', 'connection', 'datastore'] as const).filter((k) => !opts[k]);
  if (missing.length) {
    throw new CliError(`live planning needs ${missing.map((m) => `--${m}`).join(', ')}`, ExitCode.usage, 'Or describe the situation in a file and use --scenario.');
  }
  const transport = opts.transport ?? 'auto';
  if (!(TRANSPORTS as readonly string[]).includes(transport)) {
    throw new CliError(`unknown transport "${transport}"`, ExitCode.usage, `Use one of ${TRANSPORTS.join(', ')}.`);
  }
  const home = lifeboatHome();
  const secrets = repoCommandDeps.keychain();
  const repo = await openRepository(ctx, opts, json);
  const prepared = await prepareRestore(
    {
      repo: repo.backend.location,
      point: opts.point as string,
      connection: opts.connection as string,
      datastore: opts.datastore as string,
      host: opts.host,
      transport: transport as (typeof TRANSPORTS)[number],
      kind: 'full-vm',
      verify: true,
      encryption: 'keep',
      ...targetChoices(opts),
    },
    {
      repo,
      connections: new ConnectionStore(home),
      secrets,
      environment: () => environmentFactsFor(home, 'cli', secrets),
    },
  ).catch(repositoryCliError);
  await prepared.close();
  return prepared.plan;
}

/** Reads the scenario text from a file, or from stdin when the name is `-`. */
export async function readScenarioSource(spec: string, stdin: AsyncIterable<Buffer | string> = process.stdin): Promise<string> {
  if (spec === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(spec, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : String((err as Error).message);
    throw new CliError(
      `cannot read scenario file ${spec}: ${why}`,
      ExitCode.usage,
      'Give the path of a scenario JSON file (see resources/scenarios/ for examples), or - to read stdin.',
    );
  }
}

function reportIssues(io: CliIo, json: boolean, source: string, issues: readonly ScenarioIssue[]): number {
  const message = `scenario ${source} has ${issues.length} problem${issues.length === 1 ? '' : 's'}`;
  const hint = 'Fix the fields listed (names are case-sensitive; see docs plan-scenario.md for the contract), then run again.';
  if (json) {
    io.stdout(JSON.stringify({ ok: false, error: { message, hint, exitCode: ExitCode.usage, issues } }, null, 2) + '\n');
  } else {
    io.stderr(`lifeboat: ${message}:\n`);
    for (const i of issues) io.stderr(`  ${i.path}: ${i.message}\n`);
    io.stderr(`  ${hint}\n`);
  }
  return ExitCode.usage;
}

export const registerPlanCommand: RegisterCommand = (program, ctx) => {
  program
    .command('plan')
    .description(
      'Plan a restore without running it: the transport for each disk and why, findings by rule ID ' +
        'with remedies, and the ordered steps. Exit 0 when the plan can run, 3 when a rule blocks it, ' +
        '2 when the scenario file is unreadable or invalid.',
    )
    .optionsGroup('What-if planning:')
    .option(
      '--scenario <file>',
      'plan from a scenario JSON file describing workstation, connection, target, restore point and options ("-" reads stdin)',
    )
    .optionsGroup('Live planning (against a saved connection and a repository):')
    .option('--repo <dir>', 'repository folder holding the restore point (default: $LIFEBOAT_REPO)')
    .option('--password-file <file>', 'read the repository password from this file (first line)')
    .option('--password-stdin', 'read the repository password from standard input')
    .option('--point <id>', 'restore point ID in the repository')
    .option('--connection <name>', 'saved vCenter or ESXi connection to plan against')
    .option('--host <host>', 'target ESXi host')
    .option('--datastore <name>', 'target datastore')
    .option('--transport <mode>', 'auto, san, hotadd, nbdssl or nbd (default auto)')
    .option('--network-map <SRC=DST>', 'connect NICs of source network SRC to network DST of the target host (repeatable)', collect)
    .option('--hardware-version <vmx-NN>', 'create the VM with this lower hardware version (DATA-HW-VERSION)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  lifeboat plan --scenario resources/scenarios/physical-san-thick.json\n' +
        '  lifeboat plan --scenario - --json < scenario.json\n',
    )
    .action(
      commandAction(ctx, async (opts: PlanOptions, command: Command) => {
        const { json } = globalOptions(command);
        const live = LIVE_OPTIONS.filter((o) => opts[o] !== undefined);
        if (live.length > 0 && opts.scenario !== undefined) {
          throw new CliError('give either --scenario or the live options, not both', ExitCode.usage);
        }
        if (live.length > 0) {
          const plan = await planLive(ctx, opts, json);
          printResult(ctx.io, json, plan, formatPlanText);
          return plan.ok ? ExitCode.ok : ExitCode.blocked;
        }
        if (opts.scenario === undefined) {
          throw new CliError(
            'nothing to plan: --scenario is required',
            ExitCode.usage,
            'Run `lifeboat plan --scenario FILE.json` (or `--scenario -` to read stdin).',
          );
        }
        const source = opts.scenario === '-' ? 'from stdin' : opts.scenario;
        const text = await readScenarioSource(opts.scenario);
        const parsed = parseJsonText(text);
        if (!parsed.ok) {
          const at = parsed.line !== undefined ? ` at line ${parsed.line}, column ${parsed.column}` : '';
          throw new CliError(
            `scenario ${source} is not valid JSON${at}: ${parsed.message}`,
            ExitCode.usage,
            'Fix the JSON syntax (comments and trailing commas are not allowed).',
          );
        }
        const result = parseScenario(parsed.value);
        if (!result.ok) return reportIssues(ctx.io, json, source, result.issues);
        const plan = planRestore(result.scenario);
        printResult(ctx.io, json, plan, formatPlanText);
        return plan.ok ? ExitCode.ok : ExitCode.blocked;
      }),
    );
};
