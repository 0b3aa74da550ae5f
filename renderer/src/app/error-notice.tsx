import type { ReactElement, ReactNode } from 'react';

/** An engine error as the user reads it: an alert with the message (after an optional lead) and what to do. */
export function ErrorNotice({ problem, children }: { problem: { message: string; hint?: string }; children?: ReactNode }): ReactElement {
  return (
    <div className="notice notice-error" role="alert">
      {children}
      {problem.message}
      {problem.hint ? <div className="hint">{problem.hint}</div> : null}
    </div>
  );
}
