import type { ReactElement } from 'react';
import type { RestorePlanView } from '../../../electron/api/contract';
import { needsEncryptionChoice, useRestoreWizardStore } from '../stores/restore-wizard-store';
import { EncryptionChoice } from './encryption-choice';
import { remedyActions } from './remedy-actions';

/** Rules whose decision belongs right under the summary: encryption, storage policy, hardware version, networks, transport. */
const DECISION_RULES = ['CRYPT-POLICY-MISSING', 'DATA-HW-VERSION', 'DATA-NETWORK-MAP', 'DATA-VM-NAME-TAKEN'];

/** The decisions the plan needs from the user, with one-click fixes where a remedy names one. */
export function PlanDecisions({ plan }: { plan: RestorePlanView }): ReactElement | null {
  const choices = useRestoreWizardStore((s) => s.choices);
  const choose = useRestoreWizardStore((s) => s.choose);
  const encryption = useRestoreWizardStore((s) => s.encryption);
  const setEncryption = useRestoreWizardStore((s) => s.setEncryption);
  const fixes = plan.findings
    .filter((f) => f.severity !== 'info' && (f.severity === 'block' || DECISION_RULES.includes(f.rule)))
    .map((f) => ({ finding: f, actions: remedyActions(f, choices) }))
    .filter((x) => x.actions.length > 0)
    // Several findings often share one remedy (every disk blocked by the same transport): offer it once.
    .filter((x, i, all) => all.findIndex((y) => y.actions.map((a) => a.label).join() === x.actions.map((a) => a.label).join()) === i);
  const choiceNeeded = needsEncryptionChoice(plan);
  const facts = [
    plan.storagePolicy ? `Storage policy: ${plan.storagePolicy}` : null,
    plan.hardwareVersion ? `Hardware version: ${plan.hardwareVersion}` : null,
    ...plan.networks.map((n) => `Network ${n.source} → ${n.target ?? 'not connected'}`),
  ].filter((x): x is string => x !== null);
  if (!choiceNeeded && fixes.length === 0 && facts.length === 0) return null;
  return (
    <section className="card decisions" aria-labelledby="decisions-heading">
      <h3 id="decisions-heading">Decisions</h3>
      {facts.length > 0 ? (
        <ul className="decision-facts">
          {facts.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      ) : null}
      {choiceNeeded ? <EncryptionChoice value={encryption} onChange={setEncryption} /> : null}
      {fixes.map(({ finding, actions }, i) => (
        <div key={`${finding.rule}-${i}`} className="fix" data-testid={`fix-${finding.rule}`}>
          <p>
            {finding.message} <code className="rule-tag">{finding.rule}</code>
          </p>
          <div className="fix-actions">
            {actions.map((a) => (
              <button key={a.label} type="button" className="button button-small" onClick={() => (a.encryption ? setEncryption(a.encryption) : choose(a.patch))}>
                {a.label}
              </button>
            ))}
          </div>
        </div>
      ))}
    </section>
  );
}
