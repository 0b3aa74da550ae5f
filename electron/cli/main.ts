import { Command, CommanderError } from 'commander';
import { productInfo } from '../config/product';
import { ExitCode } from './cli-error';
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
    '\nExit codes: 0 ok, 1 failed, 2 bad usage or input, 3 plan blocked by a rule.\n' +
      'Docs: README.md; restore rules by ID: docs in the project (restore-rules).',
  );
  return program;
}

/** Runs the CLI and resolves to the exit code (never calls process.exit). */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const ctx: CommandContext = { io, exitCode: ExitCode.ok };
  const program = buildProgram(ctx);
  // Subcommands inherit exitOverride and output configuration.
  for (const sub of program.commands) {
    sub.exitOverride();
    sub.configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
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
      return ExitCode.usage;
    }
    return reportError(io, argv.includes('--json'), err);
  }
}
