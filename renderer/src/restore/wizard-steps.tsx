import type { ReactElement } from 'react';
import type { WizardStep } from '../stores/restore-wizard-store';

const STEPS: Array<{ step: WizardStep; label: string }> = [
  { step: 1, label: 'Restore point' },
  { step: 2, label: 'Target' },
  { step: 3, label: 'Plan' },
  { step: 4, label: 'Run' },
];

/** Where the user is in the wizard (navigation happens through each step's buttons). */
export function WizardSteps({ current }: { current: WizardStep }): ReactElement {
  return (
    <ol className="wizard-steps" aria-label="Restore steps">
      {STEPS.map((s) => (
        <li key={s.step} aria-current={s.step === current ? 'step' : undefined} className={s.step < current ? 'done' : undefined}>
          {s.step}. {s.label}
        </li>
      ))}
    </ol>
  );
}
