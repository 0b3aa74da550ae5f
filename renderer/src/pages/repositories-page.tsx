import type { ReactElement } from 'react';
import { PageHeader } from '../app/page-header';
import { OpenRepositoryForm } from '../repositories/open-repository-form';
import { RestorePointTable } from '../repositories/restore-point-table';
import { useRepositoriesStore } from '../stores/repositories-store';

/** Restore-point repositories: encrypted, deduplicated stores of full and incremental restore points. */
export function RepositoriesPage(): ReactElement {
  const opened = Object.values(useRepositoriesStore((s) => s.opened));
  return (
    <section>
      <PageHeader title="Repositories">Encrypted, deduplicated folders of restore points. Every restore point is complete: no chain to walk at restore time.</PageHeader>
      <OpenRepositoryForm />
      {opened.map((repo) => (
        <section key={repo.id} className="card" aria-label={`Repository ${repo.path}`} data-testid={`repository-${repo.id}`}>
          <h2>{repo.path}</h2>
          {repo.rememberProblem ? (
            <div className="notice notice-warn" role="status">
              The password was not saved in the keychain: {repo.rememberProblem}
            </div>
          ) : null}
          <RestorePointTable repo={repo} />
        </section>
      ))}
      {opened.length === 0 ? (
        <p className="muted">
          New repositories are made from the command line: <code>lifeboat repo init --repo /backups/lifeboat --remember</code>
        </p>
      ) : null}
    </section>
  );
}
