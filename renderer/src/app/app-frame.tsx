import type { ReactElement } from 'react';
import { SessionPasswordPrompt } from '../connections/password-dialog';
import { AboutPage } from '../pages/about-page';
import { BackupPage } from '../pages/backup-page';
import { ConnectionsPage } from '../pages/connections-page';
import { JobsPage } from '../pages/jobs-page';
import { LabPage } from '../pages/lab-page';
import { RecoveryPage } from '../pages/recovery-page';
import { RepositoriesPage } from '../pages/repositories-page';
import { RestorePage } from '../pages/restore-page';
import { useNavigationStore, type PageId } from '../stores/navigation-store';
import { usePageTitle } from './use-page-title';

const NAV: Array<{ id: PageId; label: string }> = [
  { id: 'connections', label: 'Connections' },
  { id: 'repositories', label: 'Repositories' },
  { id: 'restore', label: 'Restore' },
  { id: 'recovery', label: 'Recovery' },
  { id: 'backup', label: 'Backup' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'lab', label: 'Lab' },
  { id: 'about', label: 'About' },
];

const PAGES: Record<PageId, () => ReactElement> = {
  connections: ConnectionsPage,
  repositories: RepositoriesPage,
  restore: RestorePage,
  recovery: RecoveryPage,
  backup: BackupPage,
  jobs: JobsPage,
  lab: LabPage,
  about: AboutPage,
};

/** The window: brand, navigation on the left, the current page on the right. */
export function AppFrame(): ReactElement {
  const page = useNavigationStore((s) => s.page);
  const go = useNavigationStore((s) => s.go);
  const Page = PAGES[page];
  const label = NAV.find((n) => n.id === page)?.label ?? 'Lifeboat';
  // The restore and backup wizards name their own step in the title.
  usePageTitle(page === 'restore' || page === 'backup' ? null : label);
  return (
    <div className="frame">
      <a className="skip-link" href="#main-content" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main-content')?.focus();
      }}>
        Skip to the main content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <svg className="brand-mark" width="22" height="22" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="4" />
            <path d="M12 3v4M12 17v4M3 12h4M17 12h4" stroke="#0f172a" strokeWidth="2.5" />
          </svg>
          <span>Lifeboat</span>
        </div>
        <ul>
          {NAV.map((item) => (
            <li key={item.id}>
              <a
                href={`#/${item.id}`}
                aria-current={page === item.id ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  go(item.id);
                }}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" id="main-content" tabIndex={-1}>
        <Page />
      </main>
      <SessionPasswordPrompt />
    </div>
  );
}
