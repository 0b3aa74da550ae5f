import type { RecoveryPlanFile } from '../api/schemas/recovery-plan-file';
import type { RecoveryFinding, RecoveryGroupPlan, RecoveryPlanView, RecoveryVmPlan } from '../api/schemas/recovery-schema';
import { simulateGroupSchedule } from './group-schedule';
import { hostStreams, streamCaps } from './recovery-host-streams';
import { nameConflicts } from './recovery-name-check';
import { datastoreSpace } from './recovery-space-check';
import { streamKind } from './recovery-vm-plan';

export interface PlanViewInput {
  file: RecoveryPlanFile;
  source: string;
  sourceSha256: string;
  repository: string;
  /** Every VM's plan, in file order. */
  vms: readonly RecoveryVmPlan[];
  /** Free bytes of each datastore on the target (null: not known). */
  freeBytes: ReadonlyMap<string, number | null>;
}

/** A group's length: its VMs scheduled on their hosts within the caps; null when a VM that writes has no estimate. */
function groupEstimate(vms: readonly RecoveryVmPlan[], file: RecoveryPlanFile): number | null {
  if (vms.some((v) => v.estimateSeconds === null && v.bytesToWrite > 0)) return null;
  return simulateGroupSchedule(
    vms.map((v) => ({ key: v.vm, host: v.host, kind: streamKind(v.transports), streams: v.streams, bytesToWrite: v.bytesToWrite, seconds: v.estimateSeconds ?? 0 })),
    streamCaps(file.limits),
    file.limits.concurrentVms,
  ).seconds;
}

const SEVERITY_ORDER = { block: 0, warn: 1, info: 2 } as const;

/**
 * The recovery plan as every front door shows it: the groups with their VMs'
 * plans and estimates, and the checks no single-VM plan can make. `ok` is
 * false exactly when a VM's plan or a check across VMs blocks. The whole
 * estimate is the groups one after another plus the delays between them.
 */
export function recoveryPlanView(input: PlanViewInput): RecoveryPlanView {
  const { file } = input;
  const groups: RecoveryGroupPlan[] = file.groups.map((g) => {
    const vms = input.vms.filter((v) => v.group === g.name);
    return { name: g.name, vms, waitFor: g.then.waitFor ?? 'restored', delaySeconds: g.then.delaySeconds, stopOnFailure: g.stopOnFailure, estimateSeconds: groupEstimate(vms, file) };
  });
  const space = datastoreSpace(input.vms, input.freeBytes);
  const streams = hostStreams(groups, file.limits);
  const findings: RecoveryFinding[] = [...space.findings, ...nameConflicts(input.vms), ...streams.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const estimates = groups.map((g) => g.estimateSeconds);
  const delays = groups.slice(0, -1).reduce((n, g) => n + g.delaySeconds, 0);
  return {
    ok: input.vms.every((v) => v.ok) && !findings.some((f) => f.severity === 'block'),
    name: file.name,
    source: input.source,
    sourceSha256: input.sourceSha256,
    repository: input.repository,
    connection: file.connection,
    limits: file.limits,
    groups,
    findings,
    datastores: space.datastores,
    hosts: streams.hosts,
    estimateSeconds: estimates.some((e) => e === null) ? null : estimates.reduce((n: number, e) => n + e!, 0) + delays,
  };
}
