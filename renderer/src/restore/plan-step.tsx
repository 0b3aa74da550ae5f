import type { ReactElement } from 'react';
import type { RestorePlanView } from '../../../electron/api/contract';
import { LoadView } from '../app/load-view';
import { needsEncryptionChoice, useRestoreWizardStore } from '../stores/restore-wizard-store';
import { EncryptionChoice } from './encryption-choice';
import { PlanDisks } from './plan-disks';
import { isSpotlightRule, PlanFindings } from './plan-findings';

function PlanView({ plan }: { plan: RestorePlanView }): ReactElement {
  const encryption = useRestoreWizardStore((s) => s.encryption);
  const setEncryption = useRestoreWizardStore((s) => s.setEncryption);
  const verify = useRestoreWizardStore((s) => s.verify);
  const setVerify = useRestoreWizardStore((s) => s.setVerify);
  const start = useRestoreWizardStore((s) => s.start);
  const starting = useRestoreWizardStore((s) => s.starting);
  const startProblem = useRestoreWizardStore((s) => s.startProblem);
  const goTo = useRestoreWizardStore((s) => s.goTo);
  const diskLabels = Object.fromEntries(plan.disks.map((d) => [d.key, d.label]));
  const spotlight = [...new Set([...plan.findings.map((f) => f.rule), ...plan.steps.map((s) => s.rule)].filter(isSpotlightRule))];
  const choiceNeeded = needsEncryptionChoice(plan);
  return (
    <div>
      <h2>Plan for {plan.vm}</h2>
      {!plan.ok ? (
        <div className="notice notice-error" role="alert">
          This plan is blocked by a restore rule: it cannot be started. Read the blocking findings and their remedies, then change the target.
        </div>
      ) : null}
      {spotlight.length > 0 ? (
        <div className="notice notice-warn spotlight" role="note" aria-label="Read before you restore">
          <strong>Read before you restore:</strong> {spotlight.map((r) => <code key={r} className="rule-id">{r}</code>)}
        </div>
      ) : null}
      <PlanDisks disks={plan.disks} />
      <PlanFindings findings={plan.findings} diskLabels={diskLabels} />
      <section className="card" aria-label="Automatic steps">
        <h3>Automatic steps</h3>
        <ol className="plan-steps">
          {plan.steps.map((s) => (
            <li key={`${s.order}-${s.rule}-${s.disk ?? 'vm'}`} className={isSpotlightRule(s.rule) ? 'finding-spotlight' : undefined}>
              <code className="rule-id">{s.rule}</code> {s.description}
              {s.disk !== undefined ? <span className="muted"> · {diskLabels[s.disk]}</span> : null}
            </li>
          ))}
        </ol>
      </section>
      {choiceNeeded ? <EncryptionChoice value={encryption} onChange={setEncryption} /> : null}
      <label className="checkbox">
        <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} />
        Read every disk back after writing (verify)
      </label>
      {startProblem ? (
        <div className="notice notice-error" role="alert">
          {startProblem.rule ? <code className="rule-id">{startProblem.rule}</code> : null} {startProblem.message}
          {startProblem.hint ? <div className="hint">{startProblem.hint}</div> : null}
        </div>
      ) : null}
      <div className="wizard-actions">
        <button type="button" className="button button-secondary" onClick={() => goTo(2)}>
          Back
        </button>
        <button type="button" className="button" disabled={!plan.ok || encryption === null || starting} onClick={() => void start()}>
          {starting ? 'Starting…' : 'Start restore'}
        </button>
      </div>
    </div>
  );
}

/** Step 3: the plan as the engine made it; a blocked plan cannot start. */
export function PlanStep(): ReactElement {
  const plan = useRestoreWizardStore((s) => s.plan);
  const goTo = useRestoreWizardStore((s) => s.goTo);
  return (
    <div>
      <LoadView state={plan} what="the plan">
        {(data) => <PlanView plan={data} />}
      </LoadView>
      {plan.status === 'error' ? (
        <button type="button" className="button button-secondary" onClick={() => goTo(2)}>
          Back
        </button>
      ) : null}
    </div>
  );
}
