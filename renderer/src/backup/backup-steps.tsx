import type { ReactElement } from 'react';
import type { BackupStep } from './backup-wizard-store';

export const BACKUP_STEP_LABELS: Record<BackupStep, string> = { 1: 'Source', 2: 'Options', 3: 'Plan', 4: 'Progress and result' };

/** Where the user is in the backup wizard (navigation happens through each step's buttons). */
export function BackupSteps({ current }: { current: BackupStep }): ReactElement {
  return (
    <ol className="wizard-steps" aria-label="Backup steps">
      {([1, 2, 3, 4] as BackupStep[]).map((step) => (
        <li key={step} aria-current={step === current ? 'step' : undefined} className={step < current ? 'done' : undefined}>
          {step}. {BACKUP_STEP_LABELS[step]}
        </li>
      ))}
    </ol>
  );
}
