import type { RecoveryFinding, RecoveryVmPlan } from '../api/schemas/recovery-schema';

/**
 * DATA-VM-NAME-TAKEN inside the plan: two VMs of one plan restored under one
 * name. Each VM's own plan checks the names on the target; only the plan as
 * a whole sees its VMs collide with each other.
 */
export function nameConflicts(vms: readonly RecoveryVmPlan[]): RecoveryFinding[] {
  const first = new Map<string, RecoveryVmPlan>();
  const findings: RecoveryFinding[] = [];
  for (const vm of vms) {
    const earlier = first.get(vm.vmName);
    if (!earlier) {
      first.set(vm.vmName, vm);
      continue;
    }
    findings.push({
      rule: 'DATA-VM-NAME-TAKEN',
      severity: 'block',
      group: vm.group,
      vm: vm.vm,
      message: `VMs "${earlier.vm}" (group ${earlier.group}) and "${vm.vm}" (group ${vm.group}) would both be restored as "${vm.vmName}".`,
      remedy: `Give one of them another name (name: on the entry of "${vm.vm}" or "${earlier.vm}").`,
    });
  }
  return findings;
}
