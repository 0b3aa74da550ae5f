import type { ReactElement } from 'react';
import type { WizardStep } from '../stores/restore-wizard-store';

export const STEP_LABELS: Record<WizardStep, string> = { 1: 'Restore point', 2: 'Restore mode', 3: 'Target', 4: 'Plan', 5: 'Run' };

/** Where the user is in the wizard (navigation happens through each step's buttons). */
export function WizardSteps({ current }: { current: WizardStep }): ReactElement {
  return (
    <ol className="wizard-steps" aria-label="Restore steps">
      {([1, 2, 3, 4, 5] as WizardStep[]).map((step) => (
        <li key={step} aria-current={step === current ? 'step' : undefined} className={step < current ? 'done' : undefined}>
          {step}. {STEP_LABELS[step]}
        </li>
      ))}
    </ol>
  );
}
