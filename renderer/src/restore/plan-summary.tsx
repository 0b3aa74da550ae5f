import type { ReactElement } from 'react';
import type { RestorePlanView } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { useJobsStore } from '../stores/jobs-store';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';
import { DiskBar } from './disk-bar';
import type { RestoreChoices } from './restore-choices';
import { blockedBy, durationWords, TRANSPORT_LABEL, unbootableFindings } from './plan-words';
import { usePointDetails } from './use-point-details';

/** The speed of the last finished restore, for the time estimate (none yet: said so, never invented). */
function lastRestoreSpeed(jobs: ReturnType<typeof useJobsStore.getState>['jobs']): number | null {
  const done = Object.values(jobs).filter((j) => j.kind === 'restore' && j.phase === 'succeeded' && j.bytesPerSecond > 0);
  return done.length > 0 ? done[done.length - 1]!.bytesPerSecond : null;
}

/** What a tired engineer reads in five seconds: OK or BLOCKED and why, what breaks booting, and source → target. */
export function PlanSummary({ plan, choices }: { plan: RestorePlanView; choices: RestoreChoices }): ReactElement {
  const speed = lastRestoreSpeed(useJobsStore((s) => s.jobs));
  const { details } = usePointDetails(useRestoreWizardStore((s) => s.repositoryId), useRestoreWizardStore((s) => s.pointId));
  const capacity = (key: number) => details?.disks.find((d) => d.key === key)?.capacityBytes ?? 0;
  const block = blockedBy(plan);
  const unbootable = unbootableFindings(plan);
  const total = plan.disks.reduce((n, d) => n + d.bytesToWrite, 0);
  return (
    <section className="plan-summary" aria-label="Plan summary">
      <p className={`verdict ${plan.ok ? 'verdict-ok' : 'verdict-blocked'}`} data-testid="plan-verdict" role="status" aria-live="polite">
        <strong>{plan.ok ? 'OK' : 'BLOCKED'}</strong>{' '}
        {plan.ok ? 'This restore can start.' : `${block?.message ?? 'A restore rule blocks this plan.'}`}
        {block ? <code className="rule-tag">{block.rule}</code> : null}
      </p>
      {unbootable.map((f, i) => (
        <p key={`${f.rule}-${i}`} className="red-line" data-testid={`red-line-${f.rule}`}>
          <strong>May not boot:</strong> {f.message} <code className="rule-tag">{f.rule}</code>
        </p>
      ))}
      <div className="source-target card">
        <div>
          <h3 className="small-heading">From</h3>
          <p className="big">{plan.vm}</p>
          <p className="muted">restore point</p>
        </div>
        <div className="arrow" aria-hidden="true">
          →
        </div>
        <div>
          <h3 className="small-heading">To</h3>
          <p className="big" data-testid="summary-target-name">
            {plan.vmName}
          </p>
          <p className="muted">
            {choices.connection} · {choices.host || 'host chosen by the rules'} · {choices.datastore}
            {plan.powerOn ? ' · powered on after' : ''}
          </p>
        </div>
        <ul className="summary-disks" aria-label="Disks to write">
          {plan.disks.map((d) => (
            <li key={d.key} data-testid={`summary-disk-${d.key}`}>
              <span>
                {d.label} · {d.transport ? TRANSPORT_LABEL[d.transport] : 'no transport'} · {d.restoredProvisioning}
              </span>
              <DiskBar label={d.label} used={d.bytesToWrite} capacity={capacity(d.key) || d.bytesToWrite} />
            </li>
          ))}
        </ul>
        <p className="summary-total" data-testid="summary-total">
          Total to write: <strong>{formatBytes(total)}</strong> · Estimated time:{' '}
          {speed
            ? `${durationWords(total / speed)} (at the last restore's speed)`
            : plan.estimate?.seconds
              ? `${durationWords(plan.estimate.seconds)} (at assumed transport rates${plan.verify ? ', read-back included' : ''})`
              : 'shown once writing starts'}
        </p>
      </div>
    </section>
  );
}
