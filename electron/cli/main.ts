import { Command, CommanderError } from 'commander';
import { productInfo } from '../config/product';
import { CliError, ExitCode } from './cli-error';
import { processIo, reportError, type CliIo } from './cli-output';
import type { CommandContext } from './command-action';
import { commandModules } from './commands';

/** Builds the `lifeboat` program; exported for tests that inspect help text. */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('lifeboat')
    .description(
      'Lifeboat, the restore workstation for VMware vSphere: plans and runs whole-VM and disk restores ' +
        '(SAN, HotAdd, NBDSSL, NBD), makes restore points, and hosts its own lab (vcsim + lab VDDK) for rehearsals.',
    )
    .version(productInfo().version, '-V, --version', 'print the Lifeboat version')
    .option('--json', 'print machine-readable JSON instead of text')
    .showHelpAfterError('(run `lifeboat --help` for usage)')
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
    })
    .exitOverride();
  for (const register of commandModules) register(program, ctx);
  program.addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 failed, 2 bad usage or input (including a missing restore point, connection, datastore or host), ' +
      '3 plan blocked by a rule, 130 cancelled with Ctrl+C. With --json every outcome, errors included, is JSON on stdout.\n' +
      'Docs: README.md; restore rules by ID: docs in the project (restore-rules).',
  );
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/** A command-line mistake (unknown command or option, missing argument) as the CLI's usage error. */
function usageError(err: CommanderError): CliError {
  const message = err.message.replace(/^error: /, '');
  return new CliError(message, ExitCode.usage, 'Run `lifeboat --help` (or `lifeboat COMMAND --help`) for usage.');
}

/** Runs the CLI and resolves to the exit code (never calls process.exit). */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const ctx: CommandContext = { io, exitCode: ExitCode.ok };
  const program = buildProgram(ctx);
  const json = argv.includes('--json');
  // With --json every outcome is one JSON document: commander's own error text is replaced by it (below).
  const output = { writeOut: (s: string) => io.stdout(s), writeErr: (s: string) => (json ? undefined : io.stderr(s)) };
  program.configureOutput(output);
  // Subcommands inherit exitOverride and output configuration.
  for (const sub of allCommands(program)) {
    sub.exitOverride();
    sub.configureOutput(output);
  }
  if (argv.length === 0) {
    io.stdout(program.helpInformation());
    return ExitCode.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return ExitCode.ok;
      }
      if (json) reportError(io, true, usageError(err));
      return ExitCode.usage;
    }
    return reportError(io, json, err);
  }
}
