import { LifeboatError, type ErrorKind } from '../errors/lifeboat-error';
import { CliError, ExitCode, type ExitCodeValue } from './cli-error';

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

const EXIT_FOR_KIND: Record<ErrorKind, ExitCodeValue> = {
  'bad-input': ExitCode.usage,
  blocked: ExitCode.blocked,
  cancelled: ExitCode.cancelled,
  failed: ExitCode.failure,
};

/**
 * Reports an error in the requested form and returns the exit code to use.
 * Engine errors carry their code, hint and rule; the exit code follows their
 * kind (2 bad input, 3 blocked, 130 cancelled, 1 otherwise).
 */
export function reportError(io: CliIo, json: boolean, err: unknown): number {
  const cli = err instanceof CliError ? err : undefined;
  const engine = err instanceof LifeboatError ? err : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const exitCode = cli ? cli.exitCode : engine ? EXIT_FOR_KIND[engine.kind] : ExitCode.failure;
  const hint = cli?.hint ?? engine?.hint;
  if (json) {
    // One line: a JSON document on its own, and a valid last line of a JSON-lines stream (`restore --json`).
    io.stdout(JSON.stringify({ ok: false, error: { message, code: engine?.code, rule: engine?.rule, hint, exitCode } }) + '\n');
  } else {
    io.stderr(`lifeboat: ${message}\n`);
    if (hint && !message.includes(hint)) io.stderr(`  ${hint}\n`);
    if (!cli && !engine && err instanceof Error && process.env.LIFEBOAT_DEBUG) io.stderr(`${err.stack}\n`);
  }
  return exitCode;
}
