import { BadInputError } from '../errors/lifeboat-error';

/** One problem of a recovery plan file: where it is (file, line, column, field path) and what to do. */
export interface RecoveryPlanIssue {
  file: string;
  line: number;
  column: number;
  /** The field, e.g. `groups[1].vms[0].point`; `(file)` for the whole document. */
  path: string;
  message: string;
}

export const EXAMPLE_PLAN_FILE = 'resources/recovery/example-recovery-plan.yaml';

export function formatRecoveryPlanIssue(i: RecoveryPlanIssue): string {
  return `${i.file}:${i.line}:${i.column}: ${i.path}: ${i.message}`;
}

/** A plan file that cannot be planned as written: every problem found, each with its line (exit 2). */
export class InvalidRecoveryPlanError extends BadInputError {
  constructor(readonly file: string, readonly issues: readonly RecoveryPlanIssue[]) {
    super(
      `recovery plan ${file} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues.map((i) => `  ${formatRecoveryPlanIssue(i)}`).join('\n')}`,
      'invalid-recovery-plan',
      `Fix each line named, then plan again; ${EXAMPLE_PLAN_FILE} is a commented example of every field.`,
    );
    this.name = 'InvalidRecoveryPlanError';
  }
}
