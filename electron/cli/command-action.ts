import type { Command } from 'commander';
import { reportError, type CliIo } from './cli-output';

/** What every command registration receives. */
export interface CommandContext {
  io: CliIo;
  /** Set by actions; read by runCli when commander returns. */
  exitCode: number;
}

/** A command module: adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/**
 * Wraps an async action so that its result becomes the exit code and any
 * error is reported in the form the user asked for (--json or text).
 */
export function commandAction<A extends unknown[]>(
  ctx: CommandContext,
  fn: (...args: A) => Promise<number | void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const json = Boolean(command.optsWithGlobals().json);
    try {
      ctx.exitCode = (await fn(...args)) ?? 0;
    } catch (err) {
      ctx.exitCode = reportError(ctx.io, json, err);
    }
  };
}

/** The global options every action can read. */
export function globalOptions(command: Command): { json: boolean } {
  return { json: Boolean(command.optsWithGlobals().json) };
}
