import type { ReactElement } from 'react';
import type { RestorePlanView } from '../../../electron/api/contract';
import { StepHeading } from '../app/step-heading';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';
import { ImportedVmChoices } from './imported-vm-choices';
import { PlanDecisions } from './plan-decisions';
import { PlanDisks } from './plan-disks';
import { isSpotlightRule, PlanFindings } from './plan-findings';
import { PlanStatusLine } from './plan-status-line';
import { PlanSummary } from './plan-summary';
import { ErrorNotice } from '../app/error-notice';

function PlanDetails({ plan }: { plan: RestorePlanView }): ReactElement {
  const diskLabels = Object.fromEntries(plan.disks.map((d) => [d.key, d.label]));
  const spotlight = [...new Set([...plan.findings.map((f) => f.rule), ...plan.steps.map((s) => s.rule)].filter(isSpotlightRule))];
  return (
    <>
      {spotlight.length > 0 ? (
        <div className="notice notice-warn spotlight" role="note" aria-label="Read before you restore">
          <strong>Read before you restore:</strong>{' '}
          {spotlight.map((r) => (
            <code key={r} className="rule-tag">
              {r}
            </code>
          ))}
        </div>
      ) : null}
      <PlanFindings findings={plan.findings} diskLabels={diskLabels} />
      <details className="card disclosure">
        <summary>Transports and steps ({plan.steps.length})</summary>
        <PlanDisks disks={plan.disks} />
        <h3>Automatic steps</h3>
        <ol className="plan-steps" aria-label="Automatic steps">
          {plan.steps.map((s) => (
            <li key={`${s.order}-${s.rule}-${s.disk ?? 'vm'}`} className={isSpotlightRule(s.rule) ? 'finding-spotlight' : undefined}>
              {s.description}
              {s.disk !== undefined ? <span className="muted"> · {diskLabels[s.disk]}</span> : null} <code className="rule-tag">{s.rule}</code>
            </li>
          ))}
        </ol>
        <p className="muted">Rules applied: {plan.rulesApplied.join(', ')}</p>
      </details>
    </>
  );
}

/** Step 4: the plan as the engine made it — summary, decisions and fixes first, findings below, details behind a disclosure. */
export function PlanStep(): ReactElement {
  const plan = useRestoreWizardStore((s) => s.plan);
  const choices = useRestoreWizardStore((s) => s.choices);
  const choose = useRestoreWizardStore((s) => s.choose);
  const encryption = useRestoreWizardStore((s) => s.encryption);
  const start = useRestoreWizardStore((s) => s.start);
  const starting = useRestoreWizardStore((s) => s.starting);
  const startProblem = useRestoreWizardStore((s) => s.startProblem);
  const goTo = useRestoreWizardStore((s) => s.goTo);
  const data = plan.data;
  return (
    <div>
      <StepHeading>{data ? `Plan for ${data.vm}` : 'Plan'}</StepHeading>
      {data ? null : <PlanStatusLine />}
      {plan.problem ? (
        <ErrorNotice problem={plan.problem}>
          <strong>Could not make the plan.</strong>{' '}
        </ErrorNotice>
      ) : null}
      {data ? (
        <>
          <PlanSummary plan={data} choices={choices} />
          <PlanDecisions plan={data} />
          {data.importedVm ? <ImportedVmChoices inForce={data.importedVm} /> : null}
          <label className="checkbox">
            <input type="checkbox" checked={choices.verify} onChange={(e) => choose({ verify: e.target.checked })} />
            Read every disk back after writing (verify)
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={choices.powerOn} onChange={(e) => choose({ powerOn: e.target.checked })} />
            Power the VM on after the restore
          </label>
        </>
      ) : null}
      {startProblem ? (
        <div className="notice notice-error" role="alert">
          {startProblem.rule ? <code className="rule-tag">{startProblem.rule}</code> : null} {startProblem.message}
          {startProblem.hint ? <div className="hint">{startProblem.hint}</div> : null}
        </div>
      ) : null}
      <div className="wizard-actions">
        <button type="button" className="button button-secondary" onClick={() => goTo(3)}>
          Back
        </button>
        <button type="button" className="button" disabled={!data || !data.ok || plan.planning || encryption === null || starting} onClick={() => void start()}>
          {starting ? 'Starting…' : 'Start restore'}
        </button>
      </div>
      {data ? <PlanDetails plan={data} /> : null}
    </div>
  );
}
