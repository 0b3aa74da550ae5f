import { useEffect } from 'react';

/** Every page (and wizard step) names itself in the window title: "Restore: Target — Lifeboat". null: a child names it. */
export function usePageTitle(title: string | null): void {
  useEffect(() => {
    if (title !== null) document.title = `${title} — Lifeboat`;
  }, [title]);
}
