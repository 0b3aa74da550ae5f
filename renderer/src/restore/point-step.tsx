import type { ReactElement } from 'react';
import { StepHeading } from '../app/step-heading';
import { OpenRepositoryForm } from '../repositories/open-repository-form';
import { RestorePointTable } from '../repositories/restore-point-table';
import { useRepositoriesStore } from '../stores/repositories-store';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';
import { PointCard } from './point-card';

/** Step 1: a restore point from an opened repository (a repository can be opened right here). */
export function PointStep(): ReactElement {
  const opened = Object.values(useRepositoriesStore((s) => s.opened));
  const pointId = useRestoreWizardStore((s) => s.pointId);
  const repositoryId = useRestoreWizardStore((s) => s.repositoryId);
  const choosePoint = useRestoreWizardStore((s) => s.choosePoint);
  const goTo = useRestoreWizardStore((s) => s.goTo);
  return (
    <div>
      <StepHeading>Choose a restore point</StepHeading>
      {opened.map((repo) => (
        <section key={repo.id} className="card" aria-label={`Repository ${repo.path}`}>
          <h3>{repo.path}</h3>
          <RestorePointTable repo={repo} selectedId={pointId} onSelect={(id) => choosePoint(repo.id, id)} />
        </section>
      ))}
      {repositoryId && pointId ? <PointCard repositoryId={repositoryId} pointId={pointId} /> : null}
      <OpenRepositoryForm />
      <div className="wizard-actions">
        <button type="button" className="button" disabled={!pointId} onClick={() => goTo(2)}>
          Next: restore mode
        </button>
      </div>
    </div>
  );
}
