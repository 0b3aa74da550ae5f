/**
 * A restore step refused by a rule of the catalogue: the message says what is
 * wrong, `hint` what to do, `rule` which rule decided. Front doors render it.
 */
export class RestoreRuleError extends Error {
  readonly code = 'RESTORE_RULE';
  constructor(
    readonly rule: string,
    message: string,
    readonly hint: string,
  ) {
    super(`${message} (${rule}) ${hint}`);
    this.name = 'RestoreRuleError';
  }
}
