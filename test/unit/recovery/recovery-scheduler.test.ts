import { describe, expect, it } from 'vitest';
import type { RecoveryLimits } from '../../../electron/api/schemas/recovery-plan-file';
import {
  RecoveryScheduler,
  streamClassOf,
  vmStreams,
  type SchedulerGroup,
  type SchedulerVm,
  type VmStart,
} from '../../../electron/recovery/recovery-scheduler';

const limits = (over: Partial<RecoveryLimits> = {}): RecoveryLimits => ({
  sanStreamsPerHost: 6,
  nbdStreamsPerHost: 2,
  hotaddStreamsPerHost: 15,
  ...over,
});

const vm = (key: string, over: Partial<SchedulerVm> = {}): SchedulerVm => ({
  key,
  host: 'esx1',
  streamClass: 'nbd',
  disks: 1,
  planStreams: 0,
  bytesToWrite: 100,
  powerOn: false,
  ...over,
});

const group = (name: string, vms: SchedulerVm[], over: Partial<SchedulerGroup> = {}): SchedulerGroup => ({
  name,
  vms,
  waitFor: 'restored',
  delaySeconds: 0,
  stopOnFailure: false,
  ...over,
});

const keys = (starts: VmStart[]) => starts.map((s) => s.key);

/** Runs the plan to its end, ending the oldest running VM each step; checks the caps at every step. */
function simulate(s: RecoveryScheduler, caps: Map<string, number>, fail = new Set<string>()) {
  const order: string[] = [];
  const running: string[] = [];
  let now = 0;
  for (let step = 0; step < 1000; step++) {
    const d = s.next(now);
    for (const start of d.start) {
      order.push(start.key);
      running.push(start.key);
    }
    for (const [host, active] of s.activeStreams())
      expect(active, `streams on ${host}`).toBeLessThanOrEqual(caps.get(host) ?? Infinity);
    if (d.finished) return order;
    const next = running.shift();
    if (next) s.ended(next, fail.has(next) ? 'failed' : 'succeeded', ++now);
    else now = d.wakeAt ?? now + 1;
  }
  throw new Error('the scheduler never finished');
}

describe('recovery scheduler', () => {
  it('starts the largest VMs of a group first and never more streams on a host than its cap', () => {
    const s = new RecoveryScheduler(
      [group('g', [vm('a-small', { bytesToWrite: 10 }), vm('big', { bytesToWrite: 30 }), vm('mid', { bytesToWrite: 20 })])],
      limits(),
    );
    expect(keys(s.next(0).start)).toEqual(['big', 'mid']);
    expect(s.next(0).start).toEqual([]);
    s.ended('mid', 'succeeded', 1);
    expect(keys(s.next(1).start)).toEqual(['a-small']);
    s.ended('big', 'succeeded', 2);
    s.ended('a-small', 'succeeded', 3);
    expect(s.next(3).finished).toBe(true);
  });

  it('runs the groups strictly in order, the next one after the previous ended and its delay passed', () => {
    const s = new RecoveryScheduler(
      [group('dc', [vm('dc1'), vm('dc2', { host: 'esx2' })], { delaySeconds: 30 }), group('db', [vm('db1', { host: 'esx3' })])],
      limits(),
    );
    expect(keys(s.next(0).start)).toEqual(['dc1', 'dc2']);
    s.ended('dc1', 'succeeded', 1000);
    // esx3 is idle, but db waits for the whole dc group.
    expect(s.next(1000).start).toEqual([]);
    s.ended('dc2', 'succeeded', 2000);
    const waiting = s.next(2000);
    expect(waiting.start).toEqual([]);
    expect(waiting.wakeAt).toBe(32_000);
    expect(waiting.finished).toBe(false);
    expect(s.next(31_999).start).toEqual([]);
    expect(keys(s.next(32_000).start)).toEqual(['db1']);
  });

  it('streams per VM are min(disks, plan streams, cap); a VM wanting more than the cap starts alone, clamped', () => {
    const l = limits({ nbdStreamsPerHost: 3 });
    expect(vmStreams(vm('a', { disks: 4 }), l)).toBe(3);
    expect(vmStreams(vm('a', { disks: 4, planStreams: 2 }), l)).toBe(2);
    expect(vmStreams(vm('a', { disks: 1, planStreams: 4 }), l)).toBe(1);
    expect(vmStreams(vm('a', { disks: 8, streamClass: 'san' }), limits({ sanStreamsPerHost: 6 }))).toBe(6);
    const s = new RecoveryScheduler(
      [group('g', [vm('one', { bytesToWrite: 50 }), vm('wide', { disks: 5, bytesToWrite: 40 })])],
      l,
    );
    expect(s.next(0).start).toEqual([expect.objectContaining({ key: 'one', streams: 1 })]);
    s.ended('one', 'succeeded', 1);
    expect(s.next(1).start).toEqual([expect.objectContaining({ key: 'wide', streams: 3 })]);
  });

  it('a smaller VM fills the room on a host that a larger one cannot use yet (hosts kept busy up to their cap)', () => {
    const s = new RecoveryScheduler(
      [
        group('g', [
          vm('first', { bytesToWrite: 90 }),
          vm('wide', { disks: 2, bytesToWrite: 80 }),
          vm('tiny', { bytesToWrite: 1 }),
          vm('other', { host: 'esx2', bytesToWrite: 2 }),
        ]),
      ],
      limits(),
    );
    // first takes one of esx1's two streams; wide (2) does not fit, tiny (1) does.
    expect(keys(s.next(0).start)).toEqual(['first', 'other', 'tiny']);
    expect(s.activeStreams().get('esx1')).toBe(2);
    s.ended('first', 'succeeded', 1);
    expect(s.next(1).start).toEqual([]);
    s.ended('tiny', 'succeeded', 2);
    expect(keys(s.next(2).start)).toEqual(['wide']);
  });

  it('uses the cap of the VM transport: SAN, NBD/NBDSSL and HotAdd each their own', () => {
    expect(streamClassOf(['nbdssl', 'san'])).toBe('san');
    expect(streamClassOf(['hotadd', 'nbd'])).toBe('hotadd');
    expect(streamClassOf(['nbdssl', null])).toBe('nbd');
    const s = new RecoveryScheduler(
      [
        group('g', [
          vm('s1', { streamClass: 'san', disks: 4 }),
          vm('s2', { streamClass: 'san', disks: 2 }),
          vm('s3', { streamClass: 'san', disks: 1 }),
        ]),
      ],
      limits({ sanStreamsPerHost: 6, nbdStreamsPerHost: 1 }),
    );
    expect(keys(s.next(0).start)).toEqual(['s1', 's2']);
    expect(s.activeStreams().get('esx1')).toBe(6);
  });

  it('limits VMs running at once over the whole plan with concurrentVms', () => {
    const s = new RecoveryScheduler(
      [group('g', [vm('a', { host: 'h1' }), vm('b', { host: 'h2' }), vm('c', { host: 'h3' })])],
      limits({ concurrentVms: 2 }),
    );
    expect(s.next(0).start).toHaveLength(2);
    s.ended('a', 'succeeded', 1);
    expect(keys(s.next(1).start)).toEqual(['c']);
  });

  it('keeps every host at its cap through a whole plan and starts every VM once', () => {
    const hosts = ['esx1', 'esx2', 'esx3'];
    const groups = [0, 1, 2].map((g) =>
      group(
        `g${g}`,
        Array.from({ length: 4 }, (_, i) =>
          vm(`vm${g}-${i}`, { host: hosts[(g + i) % 3]!, disks: 1 + (i % 3), bytesToWrite: (i * 37) % 11 }),
        ),
      ),
    );
    const s = new RecoveryScheduler(groups, limits());
    const order = simulate(s, new Map(hosts.map((h) => [h, 2])));
    expect([...order].sort()).toEqual(groups.flatMap((g) => g.vms.map((v) => v.key)).sort());
    // Every VM of g0 started before any of g1, and so on.
    const groupOf = (k: string) => Number(k.slice(2, 3));
    expect(order.map(groupOf)).toEqual([...order.map(groupOf)].sort());
  });

  it('a failed VM does not stop its group or the next one', () => {
    const s = new RecoveryScheduler(
      [
        group('g', [vm('a', { bytesToWrite: 3 }), vm('b', { bytesToWrite: 2 }), vm('c', { bytesToWrite: 1 })]),
        group('h', [vm('d')]),
      ],
      limits({ nbdStreamsPerHost: 1 }),
    );
    const order = simulate(s, new Map([['esx1', 1]]), new Set(['a']));
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(s.vmState('a')).toBe('failed');
    expect(s.groupUp('g')).toBe(false);
    expect(s.vmState('d')).toBe('succeeded');
  });

  it('with stopOnFailure, a failure starts nothing new and the plan ends after the running VMs', () => {
    const s = new RecoveryScheduler(
      [
        group('g', [vm('a', { bytesToWrite: 3 }), vm('b', { bytesToWrite: 2 }), vm('c', { bytesToWrite: 1 })], {
          stopOnFailure: true,
        }),
        group('h', [vm('d')]),
      ],
      limits(),
    );
    expect(keys(s.next(0).start)).toEqual(['a', 'b']);
    s.ended('a', 'failed', 1);
    const after = s.next(1);
    expect(after.start).toEqual([]);
    expect(after.finished).toBe(false);
    s.ended('b', 'succeeded', 2);
    expect(s.next(2)).toEqual({ start: [], wakeAt: null, finished: true });
    expect(s.vmState('c')).toBe('skipped');
    expect(s.vmState('d')).toBe('skipped');
  });

  it('waitFor powered-on counts a VM as up only when its restore powered it on', () => {
    const s = new RecoveryScheduler(
      [group('g', [vm('a', { powerOn: true }), vm('b', { powerOn: false, host: 'esx2' })], { waitFor: 'powered-on' })],
      limits(),
    );
    s.next(0);
    s.ended('a', 'succeeded', 1, false);
    s.ended('b', 'succeeded', 1, false);
    expect(s.groupUp('g')).toBe(false);
    const t = new RecoveryScheduler([group('g', [vm('a', { powerOn: true })], { waitFor: 'powered-on' })], limits());
    t.next(0);
    t.ended('a', 'succeeded', 1, true);
    expect(t.groupUp('g')).toBe(true);
  });

  it('on resume, skips VMs that succeeded earlier and does not wait again for a group already up', () => {
    const s = new RecoveryScheduler(
      [group('dc', [vm('dc1'), vm('dc2')], { delaySeconds: 600 }), group('app', [vm('app1'), vm('app2')])],
      limits(),
      {
        succeeded: new Map([
          ['dc1', { poweredOn: false }],
          ['dc2', { poweredOn: false }],
          ['app1', { poweredOn: false }],
        ]),
        groupsUp: new Set(['dc']),
      },
    );
    expect(keys(s.next(0).start)).toEqual(['app2']);
  });

  it('stop() (cancel) starts nothing more and finishes once the running VMs ended', () => {
    const s = new RecoveryScheduler(
      [group('g', [vm('a', { bytesToWrite: 2 }), vm('b', { bytesToWrite: 1 })], {})],
      limits({ nbdStreamsPerHost: 1 }),
    );
    s.next(0);
    s.stop();
    s.ended('a', 'cancelled', 1);
    expect(s.next(1)).toEqual({ start: [], wakeAt: null, finished: true });
    expect(s.vmState('b')).toBe('skipped');
  });
});
