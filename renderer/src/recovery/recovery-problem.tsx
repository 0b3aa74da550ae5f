import type { ReactElement } from 'react';
import type { RecoveryProblem } from './recovery-store';

/** An engine error on the Recovery page: the message, each problem of the plan file with its line, and what to do. */
export function RecoveryProblemNotice({ problem }: { problem: RecoveryProblem }): ReactElement {
  const issues = problem.issues ?? [];
  // With the problems listed one by one, the message's first line is the headline (its other lines repeat them).
  const headline = issues.length > 0 ? (problem.message.split('\n')[0] ?? problem.message) : problem.message;
  return (
    <div className="notice notice-error" role="alert" data-testid="recovery-problem">
      <strong className="problem-headline">{headline}</strong>
      {problem.rule ? <code className="rule-tag">{problem.rule}</code> : null}
      {issues.length > 0 ? (
        <ul className="file-problems" aria-label="Problems in the plan file">
          {issues.map((i, n) => (
            <li key={`${i.line ?? 0}-${i.path}-${n}`} data-testid="plan-file-problem">
              {i.line !== undefined ? <span className="line-number">Line {i.line}</span> : null}
              {i.path && i.path !== '(file)' ? <code>{i.path}</code> : null} {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.hint ? <div className="hint">{problem.hint}</div> : null}
    </div>
  );
}
