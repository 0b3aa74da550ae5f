import type { ReactElement, ReactNode } from 'react';

/** Title and one-line purpose at the top of every page. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }): ReactElement {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children ? <p className="lead">{children}</p> : null}
    </header>
  );
}
