import { CliError, ExitCode } from './cli-error';

/** Where a command writes; injectable so tests can capture output. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdin/stdout are an interactive terminal (prompts allowed). */
  interactive: boolean;
}

export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
};

/** Prints a result either as JSON (one document) or through a human formatter. */
export function printResult<T>(io: CliIo, json: boolean, value: T, human: (value: T) => string): void {
  if (json) io.stdout(JSON.stringify(value, null, 2) + '\n');
  else {
    const text = human(value);
    io.stdout(text.endsWith('\n') ? text : text + '\n');
  }
}

/** Reports an error in the requested form and returns the exit code to use. */
export function reportError(io: CliIo, json: boolean, err: unknown): number {
  const cli = err instanceof CliError ? err : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const exitCode = cli ? cli.exitCode : ExitCode.failure;
  if (json) {
    io.stdout(JSON.stringify({ ok: false, error: { message, hint: cli?.hint, exitCode } }, null, 2) + '\n');
  } else {
    io.stderr(`lifeboat: ${message}\n`);
    if (cli?.hint) io.stderr(`  ${cli.hint}\n`);
    if (!cli && err instanceof Error && process.env.LIFEBOAT_DEBUG) io.stderr(`${err.stack}\n`);
  }
  return exitCode;
}
