/**
 * How one group's VMs share the hosts: largest VM first, each VM's disk
 * streams counted against its host's cap for its transport, a smaller VM
 * starting ahead when the larger ones do not fit (so no host idles below its
 * cap). Pure: the plan simulates it for estimates; the run's scheduler can
 * use the same order and admission test with real clocks.
 */
export type StreamKind = 'san' | 'hotadd' | 'nbd';
export type StreamCaps = Record<StreamKind, number>;

export interface ScheduleVm {
  key: string;
  /** The host its disks are written through (null: not known; such VMs share one pseudo-host). */
  host: string | null;
  kind: StreamKind;
  /** Disk streams it would open at once. */
  streams: number;
  bytesToWrite: number;
  /** Its own estimate with `streams` streams. */
  seconds: number;
}

export interface ScheduledVm {
  key: string;
  host: string | null;
  streams: number;
  startAt: number;
  endAt: number;
}

/** Largest first (bytes to write), then by key: the order a group's VMs are started in. */
export function largestFirst<T extends { key: string; bytesToWrite: number }>(vms: readonly T[]): T[] {
  return [...vms].sort((a, b) => b.bytesToWrite - a.bytesToWrite || a.key.localeCompare(b.key));
}

/** The streams a VM gets: what it wants, never above its host's cap for its transport (at least one). */
export function grantedStreams(vm: Pick<ScheduleVm, 'kind' | 'streams'>, caps: StreamCaps): number {
  return Math.max(1, Math.min(vm.streams, caps[vm.kind]));
}

const hostKey = (host: string | null) => host ?? '';

/** Streams open per host and transport kind. */
export class HostStreamLoad {
  private readonly open = new Map<string, number>();

  private key(host: string | null, kind: StreamKind) {
    return `${kind}\u0000${hostKey(host)}`;
  }

  /** True when the VM's granted streams fit under its host's cap beside what already runs there. */
  admits(vm: Pick<ScheduleVm, 'host' | 'kind' | 'streams'>, caps: StreamCaps): boolean {
    return (this.open.get(this.key(vm.host, vm.kind)) ?? 0) + grantedStreams(vm, caps) <= caps[vm.kind];
  }

  add(vm: Pick<ScheduleVm, 'host' | 'kind'>, streams: number): void {
    const k = this.key(vm.host, vm.kind);
    this.open.set(k, (this.open.get(k) ?? 0) + streams);
  }

  /** Streams open on a host, every kind together. */
  onHost(host: string | null): number {
    let n = 0;
    for (const [k, v] of this.open) if (k.endsWith(`\u0000${hostKey(host)}`)) n += v;
    return n;
  }
}

/**
 * Simulates one group: returns when each VM would start and end and the
 * group's length. A VM held below the streams it wanted takes longer in
 * proportion. `concurrentVms` caps VMs running at once over all hosts.
 */
export function simulateGroupSchedule(vms: readonly ScheduleVm[], caps: StreamCaps, concurrentVms = Infinity): { seconds: number; schedule: ScheduledVm[] } {
  const pending = largestFirst(vms);
  const running: ScheduledVm[] = [];
  const schedule: ScheduledVm[] = [];
  let now = 0;
  while (pending.length > 0) {
    const load = new HostStreamLoad();
    for (const r of running) load.add(vms.find((v) => v.key === r.key)!, r.streams);
    for (let i = 0; i < pending.length && running.length < concurrentVms; ) {
      const vm = pending[i]!;
      if (!load.admits(vm, caps)) {
        i++;
        continue;
      }
      const streams = grantedStreams(vm, caps);
      const started = { key: vm.key, host: vm.host, streams, startAt: now, endAt: now + (vm.seconds * Math.max(1, vm.streams)) / streams };
      load.add(vm, streams);
      running.push(started);
      schedule.push(started);
      pending.splice(i, 1);
    }
    // (running is never empty here: an idle host admits any VM, its streams held to the cap.)
    if (pending.length === 0 || running.length === 0) break;
    // Nothing more fits: move on to the next VM that ends and free its streams.
    now = Math.min(...running.map((r) => r.endAt));
    for (let i = running.length - 1; i >= 0; i--) if (running[i]!.endAt <= now) running.splice(i, 1);
  }
  return { seconds: Math.ceil(Math.max(0, ...schedule.map((s) => s.endAt))), schedule };
}
