import type { RecoveryGroupProgress, RecoveryProgress, RecoveryVmProgress } from '../api/schemas/recovery-schema';
import type { RecoveryCheckpoint } from './recovery-checkpoint';

const UNKNOWN_HOST = '(host not known)';

/**
 * Streams per host over a run: open now, the peak, and busy stream-seconds
 * (streams × how long they were open), for the report's utilisation.
 */
export class HostStreamMeter {
  private readonly active = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  private readonly busyMs = new Map<string, number>();
  private readonly since = new Map<string, number>();

  constructor(private readonly caps: Map<string, number>) {}

  private settle(host: string, now: number): void {
    const from = this.since.get(host) ?? now;
    this.busyMs.set(host, (this.busyMs.get(host) ?? 0) + (this.active.get(host) ?? 0) * (now - from));
    this.since.set(host, now);
  }

  open(host: string | null, streams: number, now: number): void {
    const h = host ?? UNKNOWN_HOST;
    this.settle(h, now);
    const n = (this.active.get(h) ?? 0) + streams;
    this.active.set(h, n);
    this.peak.set(h, Math.max(this.peak.get(h) ?? 0, n));
  }

  close(host: string | null, streams: number, now: number): void {
    const h = host ?? UNKNOWN_HOST;
    this.settle(h, now);
    this.active.set(h, (this.active.get(h) ?? 0) - streams);
  }

  hosts(): RecoveryProgress['hosts'] {
    const names = new Set([...this.caps.keys(), ...this.active.keys()]);
    return [...names].sort().map((name) => ({
      name,
      activeStreams: this.active.get(name) ?? 0,
      cap: this.caps.get(name) ?? 0,
      peakStreams: this.peak.get(name) ?? 0,
    }));
  }

  /** Busy stream-seconds over cap × wall seconds, per host. */
  utilisation(wallMs: number, now: number): Array<{ host: string; cap: number; peakStreams: number; utilisation: number }> {
    for (const h of this.active.keys()) this.settle(h, now);
    return this.hosts().map((h) => ({
      host: h.name,
      cap: h.cap,
      peakStreams: h.peakStreams,
      utilisation: h.cap > 0 && wallMs > 0 ? Math.round((1000 * (this.busyMs.get(h.name) ?? 0)) / (h.cap * wallMs)) / 1000 : 0,
    }));
  }
}

function groupState(cp: RecoveryCheckpoint, name: string, waiting: Set<string>): RecoveryGroupProgress['state'] {
  const vms = cp.vms.filter((v) => v.group === name);
  const g = cp.groups.find((x) => x.name === name);
  if (vms.some((v) => v.state === 'running')) return 'running';
  if (vms.some((v) => v.state === 'cancelled')) return 'cancelled';
  if (vms.some((v) => v.state === 'failed')) return 'failed';
  if (g?.upAt && vms.every((v) => v.state === 'succeeded')) return waiting.has(name) ? 'waiting-delay' : 'succeeded';
  return vms.some((v) => v.state !== 'waiting') ? 'running' : 'waiting';
}

/** The contract's progress snapshot of a recovery job from its checkpoint and the host meter. */
export function recoveryProgress(
  cp: RecoveryCheckpoint,
  meter: HostStreamMeter,
  delayed: Set<string>,
  finishedAt: string | null,
): RecoveryProgress {
  const vms: RecoveryVmProgress[] = cp.vms.map((v) => ({
    group: v.group,
    vm: v.vm,
    vmName: v.vmName,
    host: v.host,
    state: v.state,
    restoreJobId: v.restoreJobId,
    bytesDone: v.bytesDone,
    bytesTotal: v.bytesTotal,
    startedAt: v.startedAt,
    finishedAt: v.finishedAt,
    poweredOn: v.poweredOn,
    ...(v.finishedEarlier ? { finishedEarlier: true } : {}),
    error: v.error,
  }));
  return {
    jobId: cp.jobId,
    name: cp.name,
    state: cp.state,
    startedAt: cp.startedAt,
    finishedAt,
    bytesDone: vms.reduce((n, v) => n + v.bytesDone, 0),
    bytesTotal: vms.reduce((n, v) => n + v.bytesTotal, 0),
    groups: cp.groups.map((g) => ({
      name: g.name,
      state: groupState(cp, g.name, delayed),
      startedAt: g.startedAt,
      upAt: g.upAt,
    })),
    vms,
    hosts: meter.hosts(),
  };
}
