import type { ReactElement } from 'react';
import { PageHeader } from '../app/page-header';
import { usePageTitle } from '../app/use-page-title';
import { BackupOptionsStep } from '../backup/backup-options-step';
import { BackupPlanStep } from '../backup/backup-plan-step';
import { BackupRunStep } from '../backup/backup-run-step';
import { BackupSourceStep } from '../backup/backup-source-step';
import { BACKUP_STEP_LABELS, BackupSteps } from '../backup/backup-steps';
import { useBackupWizardStore } from '../backup/backup-wizard-store';

const STEP_VIEWS = { 1: BackupSourceStep, 2: BackupOptionsStep, 3: BackupPlanStep, 4: BackupRunStep };

/** The backup page: source → options → plan (full or incremental per disk, by the BACKUP-* rules) → progress and result. */
export function BackupPage(): ReactElement {
  const step = useBackupWizardStore((s) => s.step);
  usePageTitle(`Backup: ${BACKUP_STEP_LABELS[step]}`);
  const View = STEP_VIEWS[step];
  return (
    <section>
      <PageHeader title="Backup">Make a restore point of a VM: full the first time, then incremental (only what changed, by change tracking), from a snapshot that is removed afterwards.</PageHeader>
      <BackupSteps current={step} />
      <View key={step} />
    </section>
  );
}
