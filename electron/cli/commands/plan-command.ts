import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type CommandContext, type RegisterCommand } from '../command-action';
import { repoCommandDeps, withRepositoryOptions, type RepositoryOptions } from '../repository-options';
import { requestFromOptions, withRestoreRequestOptions, type RestoreRequestOptions } from '../restore-request-options';
import { cliRestoreService } from '../restore-service-cli';
import { cliSessionSecrets, withConnectionPasswordOptions, type ConnectionPasswordOptions } from '../connection-password-options';
import { ConnectionStore } from '../../connections/connection-store';
import { lifeboatHome } from '../../config/paths';
import type { Plan } from '../../planner/plan-types';
import { parseJsonText } from '../../planner/json-text';
import { planRestore } from '../../planner/plan-restore';
import { formatPlanText } from '../../planner/plan-text';
import { parseScenario, type ScenarioIssue } from '../../planner/scenario-parse';

interface PlanOptions extends RepositoryOptions, RestoreRequestOptions, ConnectionPasswordOptions {
  scenario?: string;
}

/** Options that mean "the live form" (a restore request), as opposed to --scenario. */
const LIVE_OPTIONS = ['repo', 'point', 'connection', 'host', 'datastore', 'name', 'disksOnly', 'intoVm', 'powerOn', 'encryption', 'storagePolicy', 'hardwareVersion', 'networkMap', 'diskMap', 'diskFormat', 'resourcePool', 'folder'] as const;

/**
 * The live form: the same request `lifeboat restore` takes, planned by the
 * same restore service (facts from the target, the same pure planner).
 */
async function planLive(ctx: CommandContext, opts: PlanOptions, json: boolean): Promise<Plan> {
  const home = lifeboatHome();
  const request = requestFromOptions(opts);
  const session = await cliSessionSecrets(opts, repoCommandDeps.keychain(), new ConnectionStore(home));
  await session.bind(request.connection);
  return cliRestoreService(ctx, opts, json, home, session.secrets).plan(request);
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
  const cmd = program
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
    .optionsGroup('Live planning (every option `lifeboat restore` takes, against a saved connection and a repository):');
  withConnectionPasswordOptions(withRestoreRequestOptions(withRepositoryOptions(cmd)))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  lifeboat plan --scenario resources/scenarios/physical-san-thick.json\n' +
        '  lifeboat plan --scenario - --json < scenario.json\n' +
        '  lifeboat plan --repo DIR --point ID --connection lab --datastore LocalDS_0 --name app01-test --power-on\n' +
        '\nExit codes: 0 the plan can run, 3 a rule blocks it, 2 bad input (scenario, restore point, connection, datastore, host), 1 other failures.\n',
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
            'nothing to plan: give a what-if scenario (--scenario FILE) or a live restore request (--repo, --point, --connection, --datastore)',
            ExitCode.usage,
            'What-if: `lifeboat plan --scenario resources/scenarios/physical-san-thick.json`. Live: `lifeboat plan --repo DIR --point ID --connection NAME --datastore NAME` (with any option of `lifeboat restore`).',
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
