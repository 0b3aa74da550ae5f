import { describe, expect, it } from 'vitest';
import { RecoveryPlanFile } from '../../../electron/api/schemas/recovery-plan-file';
import type { RecoveryVmPlan } from '../../../electron/api/schemas/recovery-schema';
import { RestoreRequest } from '../../../electron/api/schemas/restore-request';
import { simulateGroupSchedule, type ScheduleVm } from '../../../electron/recovery/group-schedule';
import { withWaitForDefaults } from '../../../electron/recovery/recovery-plan-checks';
import { recoveryPlanView } from '../../../electron/recovery/recovery-plan-view';
import { formatRecoveryPlanText } from '../../../electron/recovery/recovery-plan-text';

const GiB = 1024 ** 3;
const caps = { san: 6, hotadd: 15, nbd: 4 };
const svm = (key: string, host: string, streams: number, seconds: number, kind: ScheduleVm['kind'] = 'nbd'): ScheduleVm => ({ key, host, kind, streams, seconds, bytesToWrite: seconds });

describe('simulateGroupSchedule', () => {
  it('starts the largest VMs first and never puts more streams on a host than its cap', () => {
    const { seconds, schedule } = simulateGroupSchedule([svm('small', 'h1', 2, 10), svm('big', 'h1', 2, 100), svm('mid', 'h1', 2, 50)], caps);
    expect(schedule.map((s) => [s.key, s.startAt])).toEqual([['big', 0], ['mid', 0], ['small', 50]]);
    expect(seconds).toBe(100);
  });
  it('lets a smaller VM start when the next larger one does not fit, and runs hosts in parallel', () => {
    const { seconds, schedule } = simulateGroupSchedule([svm('a', 'h1', 3, 100), svm('b', 'h1', 3, 90), svm('c', 'h1', 1, 20), svm('d', 'h2', 4, 30)], caps);
    expect(Object.fromEntries(schedule.map((s) => [s.key, s.startAt]))).toEqual({ a: 0, c: 0, d: 0, b: 100 });
    expect(seconds).toBe(190);
  });
  it('holds a VM that wants more than the cap to the cap, taking longer in proportion', () => {
    const { seconds, schedule } = simulateGroupSchedule([svm('wide', 'h1', 8, 60, 'san')], caps);
    expect(schedule[0]).toMatchObject({ streams: 6 });
    expect(seconds).toBe(80);
  });
  it('keeps at most concurrentVms running over all hosts', () => {
    expect(simulateGroupSchedule([svm('a', 'h1', 1, 10), svm('b', 'h2', 1, 10), svm('c', 'h3', 1, 10)], caps, 2).seconds).toBe(20);
  });
});

const vmPlan = (over: Partial<RecoveryVmPlan> & { vm: string; group: string }): RecoveryVmPlan => ({
  pointId: 'p',
  pointCreatedAt: '2026-11-29T00:00:00Z',
  vmName: `${over.vm}-restored`,
  request: RestoreRequest.parse({ repo: '/r', point: 'p', connection: 'lab', datastore: over.datastore ?? 'DS0' }),
  ok: true,
  findings: [],
  host: 'esx-1',
  datastore: 'DS0',
  transports: ['nbdssl'],
  streams: 1,
  bytesToWrite: GiB,
  thickBytes: 0,
  thinBytes: GiB,
  estimateSeconds: 10,
  powerOn: false,
  ...over,
});

const file = withWaitForDefaults(
  RecoveryPlanFile.parse({
    name: 'site',
    repository: '/r',
    connection: 'lab',
    defaults: { datastore: 'DS0' },
    limits: { sanStreamsPerHost: 2 },
    groups: [
      { name: 'core', vms: [{ vm: 'dc01' }, { vm: 'dc02' }], then: { delaySeconds: 30 } },
      { name: 'apps', vms: [{ vm: 'app01' }], then: { delaySeconds: 600 } },
    ],
  }),
);
const view = (vms: RecoveryVmPlan[], free: number | null = 100 * GiB) =>
  recoveryPlanView({ file, source: 'site.yaml', sourceSha256: 'x', repository: '/r', vms, freeBytes: new Map([['DS0', free], ['DS1', 100 * GiB]]) });

describe('recoveryPlanView', () => {
  it('blocks with DATA-THICK-SPACE when the VMs of one datastore fit alone but not together, naming the datastore, bytes and VMs', () => {
    const vms = [
      vmPlan({ vm: 'dc01', group: 'core', thickBytes: 6 * GiB, thinBytes: 0 }),
      vmPlan({ vm: 'dc02', group: 'core', thickBytes: 6 * GiB, thinBytes: 0 }),
      vmPlan({ vm: 'app01', group: 'apps', datastore: 'DS1', thickBytes: 6 * GiB, thinBytes: 0 }),
    ];
    const v = view(vms, 10 * GiB);
    expect(v.ok).toBe(false);
    expect(v.findings).toEqual([
      expect.objectContaining({ rule: 'DATA-THICK-SPACE', severity: 'block', datastore: 'DS0', message: expect.stringMatching(/need 12 GiB .* has 10 GiB free: dc01, dc02/) }),
    ]);
    expect(v.datastores).toEqual([
      { name: 'DS0', freeBytes: 10 * GiB, thickBytes: 12 * GiB, thinBytes: 0, neededBytes: 12 * GiB, vms: ['dc01', 'dc02'], ok: false },
      { name: 'DS1', freeBytes: 100 * GiB, thickBytes: 6 * GiB, thinBytes: 0, neededBytes: 6 * GiB, vms: ['app01'], ok: true },
    ]);
    expect(view(vms, 12 * GiB).ok).toBe(true);
  });

  it('sums each disk on the datastore it goes to (a datastore per disk), not on the VM home\'s', () => {
    // dc01 keeps its home on DS0 but puts its big thick disk on DS1; dc02 does the same: DS1 must hold both.
    const split = (vm: string) =>
      vmPlan({ vm, group: 'core', thickBytes: 60 * GiB, thinBytes: GiB, space: [{ datastore: 'DS0', thickBytes: 0, thinBytes: GiB }, { datastore: 'DS1', thickBytes: 60 * GiB, thinBytes: 0 }] });
    const v = view([split('dc01'), split('dc02')], 10 * GiB);
    expect(v.findings.map((f) => [f.rule, f.datastore])).toEqual([['DATA-THICK-SPACE', 'DS1']]);
    expect(v.datastores.map((d) => [d.name, d.neededBytes, d.vms])).toEqual([
      ['DS0', 2 * GiB, ['dc01', 'dc02']],
      ['DS1', 120 * GiB, ['dc01', 'dc02']],
    ]);
  });

  it('blocks with DATA-THIN-SPACE when the thin data does not fit after the thick disks', () => {
    const v = view([vmPlan({ vm: 'dc01', group: 'core', thickBytes: 6 * GiB }), vmPlan({ vm: 'dc02', group: 'core', thinBytes: 5 * GiB })], 10 * GiB);
    expect(v.findings.map((f) => [f.rule, f.datastore])).toEqual([['DATA-THIN-SPACE', 'DS0']]);
  });

  it('blocks with DATA-VM-NAME-TAKEN when two VMs of the plan get one name, naming both', () => {
    const v = view([vmPlan({ vm: 'dc01', group: 'core', vmName: 'dc' }), vmPlan({ vm: 'dc02', group: 'core' }), vmPlan({ vm: 'app01', group: 'apps', vmName: 'dc' })]);
    expect(v.ok).toBe(false);
    expect(v.findings).toEqual([expect.objectContaining({ rule: 'DATA-VM-NAME-TAKEN', vm: 'app01', message: expect.stringContaining('"dc01" (group core) and "app01" (group apps) would both be restored as "dc"') })]);
  });

  it('is not ok when one VM plan blocks, though every check across VMs passes', () => {
    expect(view([vmPlan({ vm: 'dc01', group: 'core', ok: false }), vmPlan({ vm: 'dc02', group: 'core' }), vmPlan({ vm: 'app01', group: 'apps' })]).ok).toBe(false);
  });

  it('counts streams per host per group (the largest group), notes SAN over the cap, and estimates groups plus the delays between them', () => {
    const v = view([
      vmPlan({ vm: 'dc01', group: 'core', transports: ['san', 'san'], streams: 2, estimateSeconds: 100 }),
      vmPlan({ vm: 'dc02', group: 'core', transports: ['san'], streams: 1, estimateSeconds: 40 }),
      vmPlan({ vm: 'app01', group: 'apps', host: 'esx-2', estimateSeconds: 50 }),
    ]);
    expect(v.hosts).toEqual([
      { name: 'esx-1', caps: { san: 2, nbd: 50, hotadd: 15 }, vms: ['dc01', 'dc02'], peakStreamsWanted: 3 },
      { name: 'esx-2', caps: { san: 2, nbd: 50, hotadd: 15 }, vms: ['app01'], peakStreamsWanted: 1 },
    ]);
    expect(v.findings).toEqual([expect.objectContaining({ rule: 'XPORT-SAN-STREAMS', severity: 'info', host: 'esx-1', group: 'core' })]);
    expect(v.ok).toBe(true);
    // core: dc01 holds both SAN streams for 100 s, then dc02 runs 40 s; apps 50 s; the delay after core only.
    expect(v.groups.map((g) => [g.name, g.estimateSeconds, g.waitFor])).toEqual([['core', 140, 'restored'], ['apps', 50, 'restored']]);
    expect(v.estimateSeconds).toBe(140 + 30 + 50);
  });
});

describe('formatRecoveryPlanText', () => {
  it('shows groups with their VMs, space per datastore, streams per host, findings with rule and remedy, and the whole estimate', () => {
    const v = view(
      [
        vmPlan({ vm: 'dc01', group: 'core', thickBytes: 6 * GiB, estimateSeconds: 100, findings: [{ rule: 'DATA-NETWORK-MAP', severity: 'warn', message: 'mapped', remedy: 'map it' }] }),
        vmPlan({ vm: 'dc02', group: 'core', thickBytes: 6 * GiB, host: 'esx-2' }),
        vmPlan({ vm: 'app01', group: 'apps', datastore: 'DS1' }),
      ],
      10 * GiB,
    );
    const text = formatRecoveryPlanText(v);
    expect(text).toContain('Recovery plan "site" (site.yaml): BLOCKED');
    expect(text).toContain('Estimated time: 2 min 20 s');
    expect(text).toMatch(/Group 1: core — estimate 1 min 40 s; next group after its VMs are restored \+ 30 s\n {2}dc01 → dc01-restored\n.*host esx-1 {2}datastore DS0 {2}transport nbdssl/);
    expect(text).toContain('[warn] DATA-NETWORK-MAP: mapped');
    expect(text).toContain('Group 2: apps — estimate 10 s; the plan is done when its VMs are restored\n');
    expect(text).toMatch(/DS0: needs 14 GiB \(thick 12 GiB, thin data 2 GiB\), 10 GiB free {2}TOO SMALL — dc01, dc02/);
    expect(text).toContain('esx-2: 1 stream; caps SAN 2, NBD/NBDSSL 50, HotAdd 15 — dc02');
    expect(text).toMatch(/Across the plan:\n {2}\[block\] DATA-THICK-SPACE: .*\n\s+→ Free at least 4 GiB on DS0/);
  });
});
