import { RestoreRuleError } from '../restore-rule-error';
import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';

/** DATA-TARGET-POWERED-ON: a running VM holds its disks; power it off only when the user chose that step. */
export async function powerCheck(ctx: RestoreJobContext): Promise<PhaseResult> {
  const { input, target, vm } = ctx;
  if (input.kind === 'full-vm' || !vm) return { skipped: 'a new VM is created powered off' };
  const { powerState } = await target.diskState(vm);
  if (powerState !== 'poweredOn') return `${vm.name} is ${powerState}`;
  if (!input.powerOffTarget) {
    throw new RestoreRuleError(
      'DATA-TARGET-POWERED-ON',
      `${vm.name} is powered on: a running VM holds its disks, so nothing was written.`,
      'Shut the guest down and power the VM off, or choose the explicit power-off step.',
    );
  }
  await target.powerOff(vm);
  return `${vm.name} was powered on; powered off as chosen`;
}
