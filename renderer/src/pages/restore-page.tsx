import type { ReactElement } from 'react';
import { PageHeader } from '../app/page-header';
import { PlanStep } from '../restore/plan-step';
import { PointStep } from '../restore/point-step';
import { RunStep } from '../restore/run-step';
import { TargetStep } from '../restore/target-step';
import { WizardSteps } from '../restore/wizard-steps';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';

const STEP_VIEWS = { 1: PointStep, 2: TargetStep, 3: PlanStep, 4: RunStep };

/** The restore wizard: restore point → target → plan (by the restore rules) → run. */
export function RestorePage(): ReactElement {
  const step = useRestoreWizardStore((s) => s.step);
  const View = STEP_VIEWS[step];
  return (
    <section>
      <PageHeader title="Restore">Plan first, then restore: every choice is checked against the restore rules (SAN, HotAdd, NBDSSL, NBD; thin disks; encryption and vTPM).</PageHeader>
      <WizardSteps current={step} />
      <View />
    </section>
  );
}
