import type { RecoveryFinding, RecoveryPlanView, RecoveryVmPlan } from '../api/schemas/recovery-schema';
import { formatBytes, formatEta } from '../units/byte-units';

function finding(f: RecoveryFinding, indent: string): string[] {
  return [`${indent}[${f.severity}] ${f.rule}: ${f.message}`, `${indent}    → ${f.remedy}`];
}

function transports(vm: RecoveryVmPlan): string {
  const names = [...new Set(vm.transports.map((t) => t ?? 'none'))];
  return names.join('+') || 'none';
}

function vmLines(vm: RecoveryVmPlan): string[] {
  const lines = [
    `  ${vm.vm} → ${vm.vmName}${vm.ok ? '' : '  BLOCKED'}`,
    `      point ${vm.pointId.slice(0, 12)} (${vm.pointCreatedAt})  host ${vm.host ?? '?'}  datastore ${vm.datastore}  transport ${transports(vm)}`,
    `      ${formatBytes(vm.bytesToWrite)} to write, ${vm.streams} stream${vm.streams === 1 ? '' : 's'}, estimate ${formatEta(vm.estimateSeconds)}${vm.powerOn ? ', powered on after' : ''}`,
  ];
  // Info findings are in --json; blocks and warnings need a decision.
  for (const f of vm.findings.filter((x) => x.severity !== 'info')) lines.push(...finding(f, '      '));
  return lines;
}

/** `lifeboat recovery plan` as text: groups and VMs, space per datastore, streams per host, findings, the whole estimate. */
export function formatRecoveryPlanText(view: RecoveryPlanView): string {
  const out = [
    `Recovery plan "${view.name}" (${view.source}): ${view.ok ? 'can run' : 'BLOCKED — nothing would be restored'}`,
    `  Repository ${view.repository}, connection ${view.connection}`,
    `  Estimated time: ${formatEta(view.estimateSeconds)} (the groups one after another, with the delays between them)`,
  ];
  view.groups.forEach((g, i) => {
    const then = i === view.groups.length - 1 ? `the plan is done when its VMs are ${g.waitFor}` : `next group after its VMs are ${g.waitFor}${g.delaySeconds ? ` + ${g.delaySeconds} s` : ''}`;
    out.push('', `Group ${i + 1}: ${g.name} — estimate ${formatEta(g.estimateSeconds)}; ${then}${g.stopOnFailure ? '; a failed VM stops the plan' : ''}`);
    for (const vm of g.vms) out.push(...vmLines(vm));
  });
  out.push('', 'Datastores (space summed over every VM restored to each):');
  for (const d of view.datastores) {
    const free = d.freeBytes === null ? 'free space not known' : `${formatBytes(d.freeBytes)} free`;
    out.push(`  ${d.name}: needs ${formatBytes(d.neededBytes)} (thick ${formatBytes(d.thickBytes)}, thin data ${formatBytes(d.thinBytes)}), ${free}${d.ok ? '' : '  TOO SMALL'} — ${d.vms.join(', ')}`);
  }
  out.push('', 'Hosts (disk streams the largest group opens at once; caps per host):');
  for (const h of view.hosts) {
    out.push(`  ${h.name}: ${h.peakStreamsWanted} stream${h.peakStreamsWanted === 1 ? '' : 's'}; caps SAN ${h.caps.san}, NBD/NBDSSL ${h.caps.nbd}, HotAdd ${h.caps.hotadd} — ${h.vms.join(', ')}`);
  }
  if (view.findings.length > 0) {
    out.push('', 'Across the plan:');
    for (const f of view.findings) out.push(...finding(f, '  '));
  }
  return out.join('\n') + '\n';
}
