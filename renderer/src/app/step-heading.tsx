import { useEffect, useRef, type ReactElement, type ReactNode } from 'react';

/**
 * The heading of a wizard step or a page section that just appeared: focus moves
 * to it, so keyboard and screen reader users start reading where the new content
 * begins (it is focusable by script only, never in the tab order).
 */
export function StepHeading({ children, level = 2 }: { children: ReactNode; level?: 2 | 3 }): ReactElement {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  const Tag = level === 2 ? 'h2' : 'h3';
  return (
    <Tag ref={ref} tabIndex={-1} className="step-heading">
      {children}
    </Tag>
  );
}
