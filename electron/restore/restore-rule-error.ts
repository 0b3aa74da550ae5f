import { LifeboatError } from '../errors/lifeboat-error';

/**
 * A restore step refused by a rule of the catalogue at run time (the target
 * changed since the plan): the message says what is wrong, `hint` what to do,
 * `rule` which rule decided. Nothing was written by the refused step.
 */
export class RestoreRuleError extends LifeboatError {
  constructor(rule: string, message: string, hint: string) {
    super(`${message} (${rule})`, { code: 'restore-rule', kind: 'blocked', rule, hint });
    this.name = 'RestoreRuleError';
  }
}
