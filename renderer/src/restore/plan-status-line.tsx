import type { ReactElement } from 'react';
import { formatBytes } from '../app/byte-size';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';
import { blockedBy } from './plan-words';

/** One live line: is the current choice restorable? Announced politely as the plan is made again. */
export function PlanStatusLine(): ReactElement {
  const plan = useRestoreWizardStore((s) => s.plan);
  const data = plan.data;
  const block = data ? blockedBy(data) : undefined;
  let text: string;
  if (plan.problem) text = `Could not plan: ${plan.problem.message}`;
  else if (!data) text = plan.planning ? 'Planning…' : 'The plan appears here once a connection and a datastore are chosen.';
  else if (!data.ok) text = `BLOCKED by ${block?.rule ?? 'a restore rule'}: ${block?.message ?? ''}`;
  else text = `OK: ${data.disks.length} disk${data.disks.length === 1 ? '' : 's'}, ${formatBytes(data.disks.reduce((n, d) => n + d.bytesToWrite, 0))} to write.`;
  const tone = plan.problem || (data && !data.ok) ? 'status-blocked' : data ? 'status-ok' : 'status-idle';
  return (
    <p className={`plan-status ${tone}`} role="status" aria-live="polite" data-testid="plan-status">
      {text}
      {plan.planning && data ? <span className="muted"> (updating…)</span> : null}
    </p>
  );
}
