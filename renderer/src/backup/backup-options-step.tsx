import type { FormEvent, ReactElement } from 'react';
import { StepHeading } from '../app/step-heading';
import { useBackupWizardStore, type BackupTransport } from './backup-wizard-store';

const TRANSPORTS: Array<{ value: BackupTransport; label: string; detail: string }> = [
  { value: 'nbdssl', label: 'NBDSSL', detail: 'Over the network to the host, encrypted. Works everywhere.' },
  { value: 'nbd', label: 'NBD', detail: 'Over the network, unencrypted: only on a trusted backup network.' },
  { value: 'hotadd', label: 'HotAdd', detail: 'The disks are attached to this workstation (a VM on the same cluster).' },
  { value: 'san', label: 'SAN', detail: 'Read straight from the storage (this workstation must see the LUNs).' },
];

/** Step 2: full or incremental when possible, the transport, quiescing. */
export function BackupOptionsStep(): ReactElement {
  const choices = useBackupWizardStore((s) => s.choices);
  const choose = useBackupWizardStore((s) => s.choose);
  const goTo = useBackupWizardStore((s) => s.goTo);
  const planNow = useBackupWizardStore((s) => s.planNow);

  function submit(e: FormEvent): void {
    e.preventDefault();
    void planNow();
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="backup-step-heading" data-testid="backup-options">
      <div id="backup-step-heading">
        <StepHeading>Step 2 of 4: how to back up {choices.vm}</StepHeading>
      </div>
      <fieldset className="plain-fieldset">
        <legend>Kind</legend>
        <label className="option">
          <input type="radio" name="backup-kind" checked={!choices.full} onChange={() => choose({ full: false })} />
          <span>
            Incremental when possible
            <span className="option-detail">Reads only what changed since the last restore point of this VM (change tracking); full the first time. The plan says which, per disk.</span>
          </span>
        </label>
        <label className="option">
          <input type="radio" name="backup-kind" checked={choices.full} onChange={() => choose({ full: true })} />
          <span>
            Full
            <span className="option-detail">Reads every allocated area of every disk.</span>
          </span>
        </label>
      </fieldset>
      <fieldset className="plain-fieldset">
        <legend>Transport</legend>
        {TRANSPORTS.map((t) => (
          <label key={t.value} className="option">
            <input type="radio" name="backup-transport" checked={choices.transport === t.value} onChange={() => choose({ transport: t.value })} />
            <span>
              {t.label}
              <span className="option-detail">{t.detail}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={choices.quiesce} onChange={(e) => choose({ quiesce: e.target.checked })} />
        Quiesce the guest file systems for the snapshot (needs VMware Tools running in the guest)
      </label>
      <div className="wizard-actions">
        <button type="button" className="button button-secondary" onClick={() => goTo(1)}>
          Back
        </button>
        <button type="submit" className="button">
          Plan the backup
        </button>
      </div>
    </form>
  );
}
