import type { ReactElement } from 'react';
import type { BackupPlanView } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { LoadView } from '../app/load-view';
import { StepHeading } from '../app/step-heading';
import { useBackupWizardStore } from './backup-wizard-store';
import { ErrorNotice } from '../app/error-notice';

const READ_WORDS: Record<BackupPlanView['disks'][number]['read'], string> = {
  allocated: 'Full: every allocated area',
  changed: 'Incremental: what changed',
  skip: 'Skipped',
};

function PlanBody({ plan }: { plan: BackupPlanView }): ReactElement {
  const blocks = plan.findings.filter((f) => f.severity === 'block');
  const others = plan.findings.filter((f) => f.severity !== 'block');
  return (
    <>
      <p data-testid="backup-plan-kind">
        <strong>{plan.kind === 'full' ? 'A full backup' : 'An incremental backup'}</strong> of {plan.vm} on {plan.server}
        {plan.parentPointId ? (
          <>
            , building on restore point <code>{plan.parentPointId.slice(0, 12)}</code>
          </>
        ) : null}
        ; it reads at most {formatBytes(plan.bytesToReadAtMost)}.
      </p>
      <div className="table-scroll">
        <table className="table" aria-label="What each disk reads, and why">
          <thead>
            <tr>
              <th>Disk</th>
              <th>Size</th>
              <th>Reads</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {plan.disks.map((d) => (
              <tr key={d.key} data-testid={`backup-disk-${d.key}`}>
                <td>{d.label}</td>
                <td className="nowrap">{formatBytes(d.capacityBytes)}</td>
                <td>{READ_WORDS[d.read]}</td>
                <td>{d.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">{plan.snapshot.description}</p>
      {blocks.map((f) => (
        <div key={`${f.rule}-${f.disk ?? ''}`} className="notice notice-error" role="alert">
          <code className="rule-tag">{f.rule}</code> {f.message}
          <div className="hint">{f.remedy}</div>
        </div>
      ))}
      {others.length > 0 ? (
        <ul className="findings" aria-label="Findings">
          {others.map((f) => (
            <li key={`${f.rule}-${f.disk ?? ''}`} className={`finding finding-${f.severity}`}>
              <code className="rule-tag">{f.rule}</code> {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** Step 3: the engine's plan (per disk full or incremental and why, by the BACKUP-* rules); start from it. */
export function BackupPlanStep(): ReactElement {
  const plan = useBackupWizardStore((s) => s.plan);
  const goTo = useBackupWizardStore((s) => s.goTo);
  const start = useBackupWizardStore((s) => s.start);
  const starting = useBackupWizardStore((s) => s.starting);
  const problem = useBackupWizardStore((s) => s.startProblem);
  const blocked = plan.status === 'ready' && plan.data.findings.some((f) => f.severity === 'block');
  return (
    <section className="card" aria-labelledby="backup-step-heading" data-testid="backup-plan">
      <div id="backup-step-heading">
        <StepHeading>Step 3 of 4: the plan</StepHeading>
      </div>
      <LoadView state={plan} what="the backup plan">
        {(data) => <PlanBody plan={data} />}
      </LoadView>
      {problem ? (
        <ErrorNotice problem={problem}>Could not start the backup: </ErrorNotice>
      ) : null}
      <div className="wizard-actions">
        <button type="button" className="button button-secondary" onClick={() => goTo(2)}>
          Back
        </button>
        <button type="button" className="button" disabled={plan.status !== 'ready' || blocked || starting} onClick={() => void start()}>
          {starting ? 'Starting…' : 'Start the backup'}
        </button>
      </div>
    </section>
  );
}
