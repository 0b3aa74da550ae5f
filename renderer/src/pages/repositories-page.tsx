import { useEffect, useState, type ReactElement } from 'react';
import { PageHeader } from '../app/page-header';
import { OpenRepositoryForm } from '../repositories/open-repository-form';
import { PointDetailsPanel } from '../repositories/point-details-panel';
import { RecentRepositories } from '../repositories/recent-repositories';
import { RestorePointTable } from '../repositories/restore-point-table';
import { VerifyRepository } from '../repositories/verify-repository';
import { useRepositoriesStore } from '../stores/repositories-store';

/** Restore-point repositories: encrypted, deduplicated stores of full and incremental restore points. */
export function RepositoriesPage(): ReactElement {
  const opened = Object.values(useRepositoriesStore((s) => s.opened));
  const [details, setDetails] = useState<{ repositoryId: string; pointId: string } | null>(null);
  // A link to one point (the backup page's result): `#/repositories?point=ID` opens its details.
  const linked = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('point');
  const linkedRepo = linked ? opened.find((r) => r.points.some((p) => p.id === linked)) : undefined;
  useEffect(() => {
    if (linked && linkedRepo) setDetails({ repositoryId: linkedRepo.id, pointId: linked });
  }, [linked, linkedRepo?.id]);
  return (
    <section>
      <PageHeader title="Repositories">Encrypted, deduplicated folders of restore points. Every restore point is complete: no chain to walk at restore time.</PageHeader>
      <OpenRepositoryForm />
      <RecentRepositories />
      {opened.map((repo) => (
        <section key={repo.id} className="card" aria-label={`Repository ${repo.path}`} data-testid={`repository-${repo.id}`}>
          <h2>{repo.path}</h2>
          {repo.rememberProblem ? (
            <div className="notice notice-warn" role="status">
              The password was not saved in the keychain: {repo.rememberProblem}
            </div>
          ) : null}
          <RestorePointTable
            repo={repo}
            actions={(pointId) => {
              const point = repo.points.find((p) => p.id === pointId);
              return (
                <button type="button" className="button button-secondary button-small" onClick={() => setDetails({ repositoryId: repo.id, pointId })}>
                  Details of {point?.vm ?? pointId.slice(0, 12)}
                </button>
              );
            }}
          />
          {details?.repositoryId === repo.id ? <PointDetailsPanel repo={repo} pointId={details.pointId} onClose={() => setDetails(null)} /> : null}
          <VerifyRepository repositoryId={repo.id} path={repo.path} />
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
