import type { WireError } from '../../../electron/api/contract';

/** An engine error in the renderer: message for people, plus code, rule ID and hint when the engine gave them. */
export class LifeboatError extends Error {
  readonly code: string;
  readonly rule?: string;
  readonly hint?: string;
  readonly issues?: WireError['issues'];
  /** For a missing password: the connection it is about. */
  readonly connection?: string;

  constructor(wire: WireError) {
    super(wire.message);
    this.name = 'LifeboatError';
    this.code = wire.code;
    this.rule = wire.rule;
    this.hint = wire.hint;
    this.issues = wire.issues;
    this.connection = wire.connection;
  }
}
