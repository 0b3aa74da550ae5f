import type { RecoveryVmPlan } from '../api/schemas/recovery-schema';
import type { RestoreRequest } from '../api/schemas/restore-request';
import type { Plan } from '../planner/plan-types';
import type { StreamKind } from './group-schedule';

/** A restore point's disk as the space check needs it. */
export interface PointDiskSize {
  key: number;
  capacity: number;
  allocatedBytes: number;
}

export interface VmPlanInput {
  group: string;
  vm: string;
  point: { id: string; createdAt: string };
  request: RestoreRequest;
  /** The single-restore planner's plan of this request. */
  plan: Plan;
  /** The host its disks are written through (the request's, else the one the restore picks). */
  host: string | null;
  disks: readonly PointDiskSize[];
}

/** One VM of the recovery plan from its own plan: transports, streams, space and estimate. */
export function vmPlanView(input: VmPlanInput): RecoveryVmPlan {
  const { plan } = input;
  const written = plan.disks.filter((d) => d.transport !== null && d.bytesToWrite > 0);
  const size = (key: number) => input.disks.find((d) => d.key === key);
  // DATA-THICK-SPACE takes a thick disk at its provisioned size; DATA-THIN-SPACE a thin disk at its data.
  const thickBytes = plan.disks.filter((d) => d.restoredProvisioning !== 'thin').reduce((n, d) => n + (size(d.key)?.capacity ?? 0), 0);
  const thinBytes = plan.disks.filter((d) => d.restoredProvisioning === 'thin').reduce((n, d) => n + (size(d.key)?.allocatedBytes ?? 0), 0);
  const space = new Map<string, { datastore: string; thickBytes: number; thinBytes: number }>();
  for (const d of plan.disks) {
    const datastore = d.datastore ?? input.request.datastore;
    const use = space.get(datastore) ?? { datastore, thickBytes: 0, thinBytes: 0 };
    if (d.restoredProvisioning === 'thin') use.thinBytes += size(d.key)?.allocatedBytes ?? 0;
    else use.thickBytes += size(d.key)?.capacity ?? 0;
    space.set(datastore, use);
  }
  return {
    group: input.group,
    vm: input.vm,
    pointId: input.point.id,
    pointCreatedAt: input.point.createdAt,
    vmName: plan.vmName,
    request: input.request,
    ok: plan.ok,
    findings: plan.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      remedy: f.remedy,
      group: input.group,
      vm: input.vm,
      ...(f.disk !== undefined ? { disk: f.disk } : {}),
    })),
    host: input.host,
    datastore: input.request.datastore,
    transports: plan.disks.map((d) => d.transport),
    streams: Math.min(written.length, plan.streamsPerHost),
    bytesToWrite: plan.estimate.bytesToWrite,
    thickBytes,
    thinBytes,
    space: [...space.values()],
    estimateSeconds: plan.estimate.seconds,
    powerOn: plan.powerOn,
  };
}

/** Which per-host cap a VM's streams count against: SAN if any disk goes over SAN, else HotAdd, else NBD/NBDSSL. */
export function streamKind(transports: readonly (string | null)[]): StreamKind {
  if (transports.includes('san')) return 'san';
  if (transports.includes('hotadd')) return 'hotadd';
  return 'nbd';
}
