/**
 * The one error base of the engine: what went wrong (`message`), a stable
 * machine code (`code`), what to do (`hint`) and, where a restore rule decided,
 * the rule's ID (`rule`). Front doors only render these; the CLI maps the kind
 * to an exit code, the API passes code/hint/rule to the client. Nothing matches
 * on message text.
 */
export type ErrorKind = 'bad-input' | 'blocked' | 'cancelled' | 'failed';

export class LifeboatError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly rule?: string;
  readonly kind: ErrorKind;

  constructor(message: string, options: { code: string; kind?: ErrorKind; hint?: string; rule?: string; cause?: unknown }) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'LifeboatError';
    this.code = options.code;
    this.kind = options.kind ?? 'failed';
    this.hint = options.hint;
    this.rule = options.rule;
  }
}

/** Something the user asked for does not exist or is malformed: a restore point, connection, datastore, host, option. */
export class BadInputError extends LifeboatError {
  constructor(message: string, code: string, hint?: string) {
    super(message, { code, kind: 'bad-input', hint });
    this.name = 'BadInputError';
  }
}

/** A restore rule blocks the plan: nothing was changed. */
export class PlanBlockedError extends LifeboatError {
  constructor(message: string, rule: string | undefined, hint: string | undefined, code = 'plan-blocked') {
    super(message, { code, kind: 'blocked', hint, rule });
    this.name = 'PlanBlockedError';
  }
}

/** The user cancelled (Ctrl+C, the Cancel button); the closing steps still ran. */
export class CancelledError extends LifeboatError {
  constructor(message = 'cancelled by the user') {
    super(message, { code: 'cancelled', kind: 'cancelled' });
    this.name = 'CancelledError';
  }
}

export function isLifeboatError(err: unknown): err is LifeboatError {
  return err instanceof LifeboatError;
}
