import { useEffect, useRef, type ReactElement } from 'react';
import type { RecoveryPlanView } from '../../../electron/api/contract';

/** Before anything changes: every VM the recovery will create, where, and which are powered on. Escape or Cancel closes it. */
export function RunConfirmDialog({ plan, onRun, onCancel }: { plan: RecoveryPlanView; onRun: () => void; onCancel: () => void }): ReactElement {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // The safe choice has the focus first.
    cancelRef.current?.focus();
  }, []);
  const vms = plan.groups.flatMap((g) => g.vms);
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="run-recovery-title"
        aria-describedby="run-recovery-what"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
      >
        <h2 id="run-recovery-title">Run the recovery {plan.name}?</h2>
        <p id="run-recovery-what">
          This creates {vms.length} new VM{vms.length === 1 ? '' : 's'} on {plan.connection}, group by group in {plan.groups.length} group
          {plan.groups.length === 1 ? '' : 's'}, from the repository {plan.repository}:
        </p>
        <ul className="confirm-list" data-testid="confirm-vms">
          {vms.map((vm) => (
            <li key={vm.vm}>
              <strong>{vm.vmName}</strong> on {vm.host ?? 'a host chosen at run time'}, datastore {vm.datastore}
              {vm.powerOn ? ', powered on' : ''}
            </li>
          ))}
        </ul>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" ref={cancelRef} onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button" onClick={onRun}>
            Create {vms.length} VMs and run
          </button>
        </div>
      </div>
    </div>
  );
}
