/** Exit codes every `lifeboat` command uses. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  blocked: 3,
  /** 128 + SIGINT: the user pressed Ctrl+C (the closing steps still ran). */
  cancelled: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the CLI reports to the user without a stack trace: what was wrong,
 * and (in `hint`) what to do about it.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
