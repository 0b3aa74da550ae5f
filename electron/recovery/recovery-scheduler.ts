import type { RecoveryLimits } from '../api/schemas/recovery-plan-file';

/**
 * Which VM of a recovery starts next, and when: a pure state machine the run
 * feeds with what happened (started, ended) and the time, so every rule of
 * the order is testable without a clock or a lab.
 * - Groups strictly in order: the next starts only when every VM of the
 *   previous one ended (met `waitFor`, or failed) and its `delaySeconds` passed.
 * - Within a group, in parallel, largest VM (bytes to write) first; a VM starts
 *   only when its host has room for its streams under the cap of its transport
 *   (XPORT-SAN-STREAMS for san; the NBD/NBDSSL and HotAdd caps of the plan).
 *   When a larger VM does not fit yet, a smaller one that fits starts ahead,
 *   so every host stays busy up to its cap (as the plan's estimate assumes,
 *   group-schedule.ts).
 * - `concurrentVms` caps VMs running at once over the whole plan.
 * - A failed VM stops nothing unless its group has `stopOnFailure`: then no
 *   new VM starts and the plan ends when the running ones have.
 */

export type StreamClass = 'san' | 'nbd' | 'hotadd';

export interface SchedulerVm {
  /** Unique within the plan (the target VM name). */
  key: string;
  /** The ESXi host its disks are written through (null: not known; such VMs share one pseudo-host). */
  host: string | null;
  streamClass: StreamClass;
  /** Disks its restore writes. */
  disks: number;
  /** Streams its own plan would open at once (0: as many as disks). */
  planStreams: number;
  bytesToWrite: number;
  /** Its restore powers it on (for `waitFor: powered-on`). */
  powerOn: boolean;
}

export interface SchedulerGroup {
  name: string;
  vms: SchedulerVm[];
  waitFor: 'restored' | 'powered-on';
  delaySeconds: number;
  stopOnFailure: boolean;
}

export type SchedulerVmState = 'waiting' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** What an earlier run of the same recovery already achieved (resume). */
export interface SchedulerEarlier {
  /** VMs whose restore succeeded, and whether they were powered on. */
  succeeded?: Map<string, { poweredOn: boolean }>;
  /** Groups whose VMs were all up: not waited for again (their delay neither). */
  groupsUp?: Set<string>;
}

export interface VmStart {
  key: string;
  group: string;
  host: string | null;
  /** Streams the VM's restore may open at once: min(disks, plan streams, the host's cap). */
  streams: number;
}

export interface SchedulerDecision {
  start: VmStart[];
  /** When to ask again even if nothing ends first (a group's delay), epoch ms. */
  wakeAt: number | null;
  /** Nothing is running and nothing more will start. */
  finished: boolean;
}

const UNKNOWN_HOST = '(host not known)';

export function streamCap(streamClass: StreamClass, limits: RecoveryLimits): number {
  if (streamClass === 'san') return Math.min(6, limits.sanStreamsPerHost); // XPORT-SAN-STREAMS
  if (streamClass === 'hotadd') return limits.hotaddStreamsPerHost;
  return limits.nbdStreamsPerHost;
}

/** Streams per VM = min(disks written, plan streams, cap), at least one. */
export function vmStreams(vm: SchedulerVm, limits: RecoveryLimits): number {
  const wanted = vm.planStreams > 0 ? Math.min(vm.disks, vm.planStreams) : vm.disks;
  return Math.max(1, Math.min(wanted, streamCap(vm.streamClass, limits)));
}

/** The stream class of a VM from its disks' transports: any SAN disk makes it SAN, else any HotAdd, else NBD/NBDSSL. */
export function streamClassOf(transports: ReadonlyArray<string | null>): StreamClass {
  if (transports.includes('san')) return 'san';
  if (transports.includes('hotadd')) return 'hotadd';
  return 'nbd';
}

export class RecoveryScheduler {
  private readonly state = new Map<string, SchedulerVmState>();
  private readonly poweredOn = new Map<string, boolean>();
  private readonly running = new Map<string, VmStart>();
  private readonly hostStreams = new Map<string, number>();
  private readonly groupOf = new Map<string, SchedulerGroup>();
  private current = 0;
  /** When the current group may start (the previous one's end plus its delay). */
  private currentOpensAt = 0;
  private readonly groupEnded = new Map<string, number>();
  private stopped = false;
  private readonly earlierUp: Set<string>;

  constructor(
    private readonly groups: readonly SchedulerGroup[],
    private readonly limits: RecoveryLimits,
    earlier: SchedulerEarlier = {},
  ) {
    const keys = new Set<string>();
    for (const g of groups) {
      for (const vm of g.vms) {
        if (keys.has(vm.key)) throw new Error(`the plan has VM "${vm.key}" twice`);
        keys.add(vm.key);
        this.groupOf.set(vm.key, g);
        const done = earlier.succeeded?.get(vm.key);
        this.state.set(vm.key, done ? 'succeeded' : 'waiting');
        if (done) this.poweredOn.set(vm.key, done.poweredOn);
      }
    }
    this.earlierUp = earlier.groupsUp ?? new Set();
  }

  vmState(key: string): SchedulerVmState {
    const s = this.state.get(key);
    if (!s) throw new Error(`no VM "${key}" in the plan`);
    return s;
  }

  /** Streams open on each host now (hosts not known share one entry). */
  activeStreams(): Map<string, number> {
    return new Map(this.hostStreams);
  }

  /** The VM's restore ended. */
  ended(key: string, result: 'succeeded' | 'failed' | 'cancelled', at: number, poweredOn = false): void {
    const run = this.running.get(key);
    if (!run) throw new Error(`VM "${key}" is not running`);
    this.running.delete(key);
    const host = run.host ?? UNKNOWN_HOST;
    this.hostStreams.set(host, (this.hostStreams.get(host) ?? 0) - run.streams);
    this.state.set(key, result);
    this.poweredOn.set(key, poweredOn);
    const group = this.groupOf.get(key)!;
    if (result !== 'succeeded' && group.stopOnFailure) this.stopped = true;
    if (result === 'cancelled') this.stopped = true;
    if (this.groupSettled(group) && !this.groupEnded.has(group.name)) this.groupEnded.set(group.name, at);
  }

  /** No new VM starts from now on (cancel); running ones end as they will. */
  stop(): void {
    this.stopped = true;
  }

  /** Whether every VM of the group met its `waitFor`. */
  groupUp(name: string): boolean {
    const group = this.groups.find((g) => g.name === name);
    if (!group) throw new Error(`no group "${name}"`);
    return group.vms.every((vm) => this.vmUp(group, vm));
  }

  private vmUp(group: SchedulerGroup, vm: SchedulerVm): boolean {
    if (this.state.get(vm.key) !== 'succeeded') return false;
    return group.waitFor === 'restored' || !vm.powerOn || this.poweredOn.get(vm.key) === true;
  }

  private groupSettled(group: SchedulerGroup): boolean {
    return group.vms.every((vm) => {
      const s = this.state.get(vm.key);
      return s !== 'waiting' && s !== 'running';
    });
  }

  /** Which VMs start now; call after every change and at `wakeAt`. */
  next(now: number): SchedulerDecision {
    const start: VmStart[] = [];
    let wakeAt: number | null = null;
    while (!this.stopped && this.current < this.groups.length) {
      const group = this.groups[this.current]!;
      if (now < this.currentOpensAt) {
        wakeAt = this.currentOpensAt;
        break;
      }
      start.push(...this.fill(group));
      if (!this.groupSettled(group)) break;
      // Settled: the next group opens after this one's delay (not again for a group up in an earlier run).
      const endedAt = this.groupEnded.get(group.name) ?? now;
      this.groupEnded.set(group.name, endedAt);
      const delay = this.earlierUp.has(group.name) ? 0 : group.delaySeconds * 1000;
      this.current++;
      this.currentOpensAt = endedAt + delay;
    }
    if (this.stopped) {
      for (const [key, s] of this.state) if (s === 'waiting') this.state.set(key, 'skipped');
    }
    const finished =
      this.running.size === 0 && start.length === 0 && wakeAt === null && (this.stopped || this.current >= this.groups.length);
    return { start, wakeAt, finished };
  }

  private fill(group: SchedulerGroup): VmStart[] {
    const started: VmStart[] = [];
    const waiting = group.vms
      .filter((vm) => this.state.get(vm.key) === 'waiting')
      .sort((a, b) => b.bytesToWrite - a.bytesToWrite || a.key.localeCompare(b.key));
    for (const vm of waiting) {
      if (this.limits.concurrentVms !== undefined && this.running.size >= this.limits.concurrentVms) break;
      const host = vm.host ?? UNKNOWN_HOST;
      const streams = vmStreams(vm, this.limits);
      const active = this.hostStreams.get(host) ?? 0;
      if (active + streams > streamCap(vm.streamClass, this.limits)) continue;
      const run: VmStart = { key: vm.key, group: group.name, host: vm.host, streams };
      this.running.set(vm.key, run);
      this.hostStreams.set(host, active + streams);
      this.state.set(vm.key, 'running');
      started.push(run);
    }
    return started;
  }
}
