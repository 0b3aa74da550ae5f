import type { ReactElement } from 'react';
import { PageHeader } from '../app/page-header';
import { usePageTitle } from '../app/use-page-title';
import { ModeStep } from '../restore/mode-step';
import { PlanStep } from '../restore/plan-step';
import { PointStep } from '../restore/point-step';
import { RunStep } from '../restore/run-step';
import { TargetStep } from '../restore/target-step';
import { STEP_LABELS, WizardSteps } from '../restore/wizard-steps';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';

const STEP_VIEWS = { 1: PointStep, 2: ModeStep, 3: TargetStep, 4: PlanStep, 5: RunStep };

/** The restore wizard: restore point → mode → target → plan (by the restore rules) → run. */
export function RestorePage(): ReactElement {
  const step = useRestoreWizardStore((s) => s.step);
  usePageTitle(`Restore: ${STEP_LABELS[step]}`);
  const View = STEP_VIEWS[step];
  return (
    <section>
      <PageHeader title="Restore">Plan first, then restore: every choice is checked against the restore rules (SAN, HotAdd, NBDSSL, NBD; thin disks; encryption and vTPM).</PageHeader>
      <WizardSteps current={step} />
      <View key={step} />
    </section>
  );
}
