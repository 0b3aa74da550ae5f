import type { ReactElement } from 'react';
import { StepHeading } from '../app/step-heading';
import { useRestoreWizardStore, type RestoreMode } from '../stores/restore-wizard-store';

const MODES: Array<{ value: RestoreMode; label: string; detail: string }> = [
  { value: 'new-vm', label: 'Restore as a new VM', detail: 'Creates a VM from the saved configuration and writes every disk. The original is not touched.' },
  {
    value: 'overwrite',
    label: "Overwrite the original VM's disks",
    detail: 'Writes the saved disks over the disks of the existing VM (it must be powered off). Its configuration stays as it is.',
  },
  { value: 'add-disks', label: 'Add the disks to another VM', detail: 'Adds the saved disks as new disks to a VM you name; its own disks are not touched.' },
];

/** Step 2: what the restore does — a new VM, the original's disks overwritten, or disks added to another VM. */
export function ModeStep(): ReactElement {
  const mode = useRestoreWizardStore((s) => s.choices.mode);
  const choose = useRestoreWizardStore((s) => s.choose);
  const goTo = useRestoreWizardStore((s) => s.goTo);
  return (
    <div>
      <StepHeading>Choose the restore mode</StepHeading>
      <fieldset className="card mode-choice">
        <legend>What should the restore do?</legend>
        {MODES.map((m) => (
          <label key={m.value} className="option">
            <input type="radio" name="restore-mode" value={m.value} checked={mode === m.value} onChange={() => choose({ mode: m.value })} />
            <span>
              <strong>{m.label}</strong>
              <span className="option-detail">{m.detail}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="wizard-actions">
        <button type="button" className="button button-secondary" onClick={() => goTo(1)}>
          Back
        </button>
        <button type="button" className="button" onClick={() => goTo(3)}>
          Next: target
        </button>
      </div>
    </div>
  );
}
