import { describe, expect, it } from 'vitest';
import { RecoveryPlanFile } from '../../../electron/api/schemas/recovery-plan-file';
import type { PointSummary } from '../../../electron/repository/repository';
import { spreadOverHosts } from '../../../electron/recovery/cluster-spread';
import { choosePoint } from '../../../electron/recovery/recovery-point-choice';
import { planRepositoryPath, vmOptions, vmRestoreRequest } from '../../../electron/recovery/recovery-request-build';

const point = (id: string, vm: string, createdAt: string): PointSummary => ({ id, vm, createdAt, kind: 'full', parentPointId: null, disks: 1, capacityBytes: 1, allocatedBytes: 1 });
const POINTS = [
  point('aa11', 'dc01', '2026-11-27T10:00:00Z'),
  point('aa22', 'dc01', '2026-11-28T10:00:00Z'),
  point('ab33', 'dc01', '2026-11-29T10:00:00Z'),
  point('bb44', 'db01', '2026-11-29T11:00:00Z'),
];

describe('choosePoint', () => {
  it('takes the newest point of the VM for latest, and the newest before a time', () => {
    expect(choosePoint('dc01', 'latest', POINTS)).toMatchObject({ ok: true, point: { id: 'ab33' } });
    expect(choosePoint('dc01', 'latest before 2026-11-29T00:00:00Z', POINTS)).toMatchObject({ ok: true, point: { id: 'aa22' } });
  });
  it('takes an id or a unique prefix of one, only when it is a point of that VM', () => {
    expect(choosePoint('dc01', 'aa2', POINTS)).toMatchObject({ ok: true, point: { id: 'aa22' } });
    expect(choosePoint('dc01', 'aa', POINTS)).toMatchObject({ ok: false, message: expect.stringContaining('matches 2 restore points') });
    expect(choosePoint('dc01', 'bb44', POINTS)).toMatchObject({ ok: false, message: expect.stringContaining('is of VM "db01", not "dc01"') });
    expect(choosePoint('dc01', 'cccc', POINTS)).toMatchObject({ ok: false, message: expect.stringContaining('no restore point "cccc"') });
  });
  it('lists the VMs the repository has when it has no point of the VM', () => {
    expect(choosePoint('DC01', 'latest', POINTS)).toEqual({ ok: false, message: expect.stringContaining('no restore point of VM "DC01"; it has points of "db01", "dc01"') });
  });
  it("says the oldest point's time when nothing is before the time asked", () => {
    expect(choosePoint('dc01', 'latest before 2026-11-01T00:00:00Z', POINTS)).toEqual({
      ok: false,
      message: expect.stringContaining('no restore point before 2026-11-01T00:00:00.000Z; its oldest is from 2026-11-27T10:00:00Z'),
    });
  });
});

describe('per-VM restore requests', () => {
  const file = RecoveryPlanFile.parse({
    name: 's',
    repository: '../repo',
    connection: 'lab',
    defaults: { datastore: 'DS0', cluster: 'C1', powerOn: true, networkMap: { a: 'A', b: 'B' } },
    groups: [
      {
        name: 'g',
        vms: [
          { vm: 'dc01' },
          { vm: 'db01', host: 'esx-2', datastore: 'DS1', networkMap: { b: 'B2' }, encryption: 'new-keys', powerOn: false },
        ],
      },
    ],
  });
  const [dc, db] = file.groups[0]!.vms;

  it('applies the plan defaults, then the VM overrides (a VM host replaces the default cluster; maps merge), then the request defaults', () => {
    const dcOptions = vmOptions(file.defaults, dc!);
    expect(dcOptions).toMatchObject({ cluster: 'C1', datastore: 'DS0', powerOn: true });
    const dcRequest = vmRestoreRequest({ file, repo: '/plans/repo', pointId: 'ab33', options: dcOptions, host: 'esx-3' });
    expect(dcRequest).toEqual({
      repo: '/plans/repo', point: 'ab33', connection: 'lab', datastore: 'DS0', host: 'esx-3', powerOn: true, networkMap: { a: 'A', b: 'B' },
      transport: 'auto', kind: 'full-vm', addAsNew: false, powerOffTarget: false, diskMap: {}, diskProvisioning: {}, diskDatastores: {}, encryption: 'keep', encryptionChosen: false, verify: true,
    });
    const dbRequest = vmRestoreRequest({ file, repo: '/plans/repo', pointId: 'bb44', options: vmOptions(file.defaults, db!) });
    expect(dbRequest).toMatchObject({ host: 'esx-2', datastore: 'DS1', powerOn: false, networkMap: { a: 'A', b: 'B2' }, encryption: 'new-keys', encryptionChosen: true });
    expect(dbRequest).not.toHaveProperty('cluster');
  });

  it('resolves a relative repository against the plan file folder (or the text base folder)', () => {
    expect(planRepositoryPath(file, '/plans/site')).toBe('/plans/repo');
    expect(planRepositoryPath({ ...file, repository: '/abs/repo' }, '/plans/site')).toBe('/abs/repo');
  });
});

describe('spreadOverHosts', () => {
  const hosts = ['esx-1', 'esx-2', 'esx-3'];
  it('balances each group by bytes, largest first, deterministically', () => {
    const vms = [
      { key: 'a', group: 'g1', bytesToWrite: 100, hosts },
      { key: 'b', group: 'g1', bytesToWrite: 60, hosts },
      { key: 'c', group: 'g1', bytesToWrite: 50, hosts },
      { key: 'd', group: 'g1', bytesToWrite: 40, hosts },
      { key: 'e', group: 'g2', bytesToWrite: 10, hosts },
    ];
    const placed = spreadOverHosts(vms);
    expect(Object.fromEntries(placed)).toEqual({ a: 'esx-1', b: 'esx-2', c: 'esx-3', d: 'esx-3', e: 'esx-2' });
    // The order of a group's entries does not matter; the groups' order does (the plan runs them in order).
    expect(Object.fromEntries(spreadOverHosts([...vms.slice(0, 4).reverse(), vms[4]!]))).toEqual(Object.fromEntries(placed));
  });
  it('counts a VM pinned to a host (host:) there before spreading the others', () => {
    const placed = spreadOverHosts([
      { key: 'pinned', group: 'g', bytesToWrite: 10, hosts: ['esx-1'], pinned: true },
      { key: 'a', group: 'g', bytesToWrite: 100, hosts },
      { key: 'b', group: 'g', bytesToWrite: 50, hosts },
    ]);
    expect(Object.fromEntries(placed)).toEqual({ pinned: 'esx-1', a: 'esx-2', b: 'esx-3' });
  });
  it('only uses the hosts that can take the VM', () => {
    expect(spreadOverHosts([{ key: 'a', group: 'g', bytesToWrite: 1, hosts: ['esx-3'] }]).get('a')).toBe('esx-3');
  });
});
