import type { ReactElement } from 'react';
import { PageHeader } from '../app/page-header';

/** Restore-point repositories: encrypted, deduplicated stores of full and incremental restore points. */
export function RepositoriesPage(): ReactElement {
  return (
    <section>
      <PageHeader title="Repositories">Encrypted, deduplicated folders of restore points. Every restore point is complete: no chain to walk at restore time.</PageHeader>
      <div className="empty">
        <p>Repositories are managed from the command line in this version:</p>
        <pre className="code">{`lifeboat repo init --repo /backups/lifeboat --remember
lifeboat repo list --repo /backups/lifeboat
lifeboat repo verify --repo /backups/lifeboat --read-data`}</pre>
      </div>
    </section>
  );
}
