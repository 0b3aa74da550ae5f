import { useState, type ReactElement } from 'react';
import type { RecoveryPlanView as Plan } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { StepHeading } from '../app/step-heading';
import { DatastoreSpace } from './datastore-space';
import { HostStreams } from './host-streams';
import { RecoveryFindings } from './recovery-findings';
import { RecoveryGroups } from './recovery-groups';
import { useRecoveryStore } from './recovery-store';
import { formatDuration } from './recovery-words';
import { RunConfirmDialog } from './run-confirm-dialog';

/** Why Run is disabled, in one sentence: the first blocking finding, else the first blocked VM. */
function blockedReason(plan: Plan): string {
  const block = [...plan.findings, ...plan.groups.flatMap((g) => g.vms.flatMap((v) => v.findings.map((f) => ({ ...f, vm: f.vm ?? v.vm }))))].find((f) => f.severity === 'block');
  if (block) return `Run is disabled: the plan is blocked by ${block.rule}${block.vm ? ` (${block.vm})` : block.datastore ? ` (${block.datastore})` : ''}: ${block.message}`;
  return 'Run is disabled: the plan is blocked.';
}

/** The plan of a whole recovery, as planned by the engine (nothing changed yet), and Run. */
export function RecoveryPlanView({ plan }: { plan: Plan }): ReactElement {
  const start = useRecoveryStore((s) => s.start);
  const clear = useRecoveryStore((s) => s.clear);
  const [confirming, setConfirming] = useState(false);
  const vms = plan.groups.flatMap((g) => g.vms);
  const bytes = vms.reduce((n, v) => n + v.bytesToWrite, 0);
  return (
    <section aria-labelledby="plan-heading" data-testid="recovery-plan">
      <div className={`verdict ${plan.ok ? 'verdict-ok' : 'verdict-blocked'}`} role="status" data-testid="recovery-verdict">
        <strong>{plan.ok ? 'Ready to run' : 'Blocked'}</strong>
        {plan.ok ? `${vms.length} VMs in ${plan.groups.length} groups, about ${formatDuration(plan.estimateSeconds)} in all.` : 'Nothing can run until the blocking findings below are fixed.'}
      </div>
      <div className="card">
        <div id="plan-heading">
          <StepHeading>{plan.name}</StepHeading>
        </div>
        <dl className="job-facts recovery-facts">
          <dt>Plan file</dt>
          <dd className="mono">{plan.source}</dd>
          <dt>Repository</dt>
          <dd className="mono">{plan.repository}</dd>
          <dt>Target</dt>
          <dd>{plan.connection}</dd>
          <dt>To write</dt>
          <dd>
            {formatBytes(bytes)} in {vms.length} VMs
          </dd>
          <dt>Estimate</dt>
          <dd data-testid="recovery-estimate">
            {formatDuration(plan.estimateSeconds)} ({plan.groups.map((g) => `${g.name} ${formatDuration(g.estimateSeconds)}`).join(', ')})
          </dd>
        </dl>
        {plan.findings.length > 0 ? (
          <>
            <h3>Checks across the plan</h3>
            <RecoveryFindings findings={plan.findings} label="Findings of the whole plan" />
          </>
        ) : null}
        <div className="wizard-actions">
          <button type="button" className="button" disabled={!plan.ok} aria-describedby={plan.ok ? undefined : 'run-disabled-why'} onClick={() => setConfirming(true)}>
            Run the recovery
          </button>
          <button type="button" className="button button-secondary" onClick={clear}>
            Open another plan
          </button>
        </div>
        {!plan.ok ? (
          <p id="run-disabled-why" className="field-problem" data-testid="run-disabled-why">
            {blockedReason(plan)}
          </p>
        ) : null}
      </div>
      <DatastoreSpace datastores={plan.datastores} />
      <HostStreams hosts={plan.hosts} limits={plan.limits} />
      <RecoveryGroups groups={plan.groups} />
      {confirming ? (
        <RunConfirmDialog
          plan={plan}
          onCancel={() => setConfirming(false)}
          onRun={() => {
            setConfirming(false);
            void start();
          }}
        />
      ) : null}
    </section>
  );
}
