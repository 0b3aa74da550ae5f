import type { Finding, Plan } from './plan-types';
import { ruleEntry, type Severity } from './rule-catalogue';
import { formatBytes, formatEta } from '../units/byte-units';

const HEADINGS: Record<Severity, string> = {
  block: 'Blocking (the plan cannot run until these are fixed)',
  warn: 'Warnings (the plan runs; read these first)',
  info: 'Notes',
};

function findingLines(f: Finding): string[] {
  const where = f.disk !== undefined ? ` [disk ${f.disk}]` : '';
  return [`  ${f.rule}${where}: ${f.message}`, `      → ${f.remedy}`];
}

/** The plan as text for a terminal or a runbook: disks, findings by severity, numbered steps. */
export function formatPlanText(plan: Plan): string {
  const out: string[] = [];
  const verdict = plan.ok ? 'OK: the restore can run as planned.' : 'BLOCKED: the restore cannot run as planned.';
  const into = plan.vmName !== plan.vm ? ` → ${plan.vmName}` : '';
  out.push(`Restore plan for ${plan.vm}${into} (${plan.restoreKind}, transport ${plan.transportOption}) — ${verdict}`);
  out.push(`  After the restore: ${plan.powerOn ? 'powered on' : 'powered off (add --power-on to start it)'}${plan.storagePolicy !== null ? `; encryption ${plan.encryption}, storage policy "${plan.storagePolicy}"` : ''}${plan.hardwareVersion !== null ? `; hardware version ${plan.hardwareVersion}` : ''}`);
  for (const n of plan.networks) out.push(`  Network: ${n.source} → ${n.target ?? '(none usable)'}`);
  out.push('');
  out.push('Disks:');
  // A datastore per disk: said per disk when the disks do not all go to one.
  const spread = new Set(plan.disks.map((d) => d.datastore)).size > 1;
  for (const d of plan.disks) {
    const transport = d.transport ?? 'none';
    const io = d.transport ? `, ${formatBytes(d.ioBytes)} I/O x${d.inFlight}${d.unbuffered ? ', unbuffered' : ''}` : '';
    const target = d.targetDisk === undefined ? (spread ? ` → datastore ${d.datastore}` : '') : ` → target disk ${d.targetDisk ?? 'none'}`;
    out.push(
      `  ${d.key} ${d.label}${target}: ${transport} (${d.chosenBy === 'auto' ? 'chosen by auto' : 'requested'}; ${d.restoredProvisioning}, ${formatBytes(d.bytesToWrite)} to write${io})`,
    );
    out.push(`      why: ${d.why}`);
  }
  out.push(`  Streams per host: ${plan.streamsPerHost}`);
  if (plan.estimate.seconds !== null) {
    out.push(
      `  Estimated time: about ${formatEta(plan.estimate.seconds)} for ${formatBytes(plan.estimate.bytesToWrite)}${plan.verify ? ', read-back included' : ''} (at assumed transport rates; the run shows the measured rate)`,
    );
  }

  for (const severity of ['block', 'warn', 'info'] as const) {
    const group = plan.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push('');
    out.push(`${HEADINGS[severity]}:`);
    for (const f of group) out.push(...findingLines(f));
  }

  out.push('');
  out.push('Steps:');
  const width = String(plan.steps.length).length;
  for (const s of plan.steps) {
    out.push(`  ${String(s.order).padStart(width)}. ${s.description} (${s.rule})`);
  }
  if (plan.steps.length === 0) out.push('  (none)');
  out.push('');
  out.push('Rules applied:');
  for (const id of plan.rulesApplied) out.push(`  ${id}: ${ruleEntry(id).title}`);
  return out.join('\n') + '\n';
}
