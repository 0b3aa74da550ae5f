import { LineCounter, parseDocument } from 'yaml';
import { RecoveryPlanFile } from '../api/schemas/recovery-plan-file';
import { checkPlanFile, withWaitForDefaults } from './recovery-plan-checks';
import { InvalidRecoveryPlanError, type RecoveryPlanIssue } from './recovery-plan-error';
import { PlanLocator } from './recovery-plan-locator';
import { formatPlanPath, type PlanPath } from './recovery-plan-path';
import { schemaProblems, type PlanProblem } from './recovery-plan-schema-issues';

/** First sentence of a YAML error (the library appends the position and an excerpt, which we give our own way). */
function yamlMessage(message: string): string {
  return message.split(/ at line \d+, column \d+/)[0]!.trim();
}

/**
 * Reads a recovery plan file: YAML text → the validated plan (then.waitFor
 * filled in). Every problem is collected and thrown as one
 * InvalidRecoveryPlanError naming file, line, column and field, each with
 * what to do; `file` is how messages name the file.
 */
export function parseRecoveryPlan(text: string, file: string): RecoveryPlanFile {
  return readRecoveryPlan(text, file).plan;
}

/** A parsed plan and a way to name the line of one of its fields (for problems found later, e.g. a point the repository lacks). */
export interface ReadRecoveryPlan {
  plan: RecoveryPlanFile;
  issueAt: (path: PlanPath, message: string) => RecoveryPlanIssue;
}

/** parseRecoveryPlan, keeping the file's positions for later messages. */
export function readRecoveryPlan(text: string, file: string): ReadRecoveryPlan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const locator = new PlanLocator(doc, lines);
  const at = (problems: readonly PlanProblem[]): RecoveryPlanIssue[] =>
    problems.map((p) => ({ file, ...locator.at(p.path, p.part), path: formatPlanPath(p.path), message: p.message }));

  if (doc.errors.length > 0) {
    throw new InvalidRecoveryPlanError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        return { file, line: pos.line, column: pos.col, path: '(file)', message: `${yamlMessage(e.message)}: fix the YAML syntax here (indent with spaces, quote text that holds ": " or starts with a special character)` };
      }),
    );
  }
  const input: unknown = doc.toJS();
  if (input === null || input === undefined) {
    throw new InvalidRecoveryPlanError(file, [{ file, line: 1, column: 1, path: '(file)', message: 'the file is empty: write a plan with name, repository, connection and groups' }]);
  }
  const parsed = RecoveryPlanFile.safeParse(input);
  if (!parsed.success) throw new InvalidRecoveryPlanError(file, at(schemaProblems(parsed.error.issues, input)));
  const problems = checkPlanFile(parsed.data, (path) => locator.at(path).line);
  if (problems.length > 0) throw new InvalidRecoveryPlanError(file, at(problems));
  return { plan: withWaitForDefaults(parsed.data), issueAt: (path, message) => at([{ path, part: 'value', message }])[0]! };
}
