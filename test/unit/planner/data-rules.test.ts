import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { GiB, disk, findings, fired, scenario } from './scenario-builder';

describe('DATA-INDEPENDENT-DISK', () => {
  it('fires as a warning when the source VM had independent disks', () => {
    const plan = planRestore(scenario({ restorePoint: { vm: { independentDisks: 2 } } }));
    expect(findings(plan, 'DATA-INDEPENDENT-DISK')).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(plan.ok).toBe(true);
  });
  it('does not fire without independent disks', () => {
    expect(fired(planRestore(scenario({ restorePoint: { vm: { independentDisks: 0 } } })), 'DATA-INDEPENDENT-DISK')).toBe(false);
  });
});

describe('DATA-THICK-SPACE', () => {
  const disks = [
    { key: 2000, capacityBytes: 30 * GiB, allocatedBytes: GiB, provisioning: 'lazyzeroed' },
    { key: 2001, capacityBytes: 30 * GiB, allocatedBytes: GiB, provisioning: 'eagerzeroed' },
    { key: 2002, capacityBytes: 500 * GiB, allocatedBytes: GiB, provisioning: 'thin' },
  ];
  it('fires as a block when the thick disks together exceed the free space (each alone would fit)', () => {
    const plan = planRestore(scenario({ target: { datastore: { freeBytes: 50 * GiB } }, restorePoint: { disks } }));
    const f = findings(plan, 'DATA-THICK-SPACE');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('block');
    expect(f[0]!.message).toMatch(/60 GiB/);
    expect(plan.ok).toBe(false);
  });
  it('does not fire when the provisioned sizes fit (thin capacity does not count)', () => {
    const plan = planRestore(scenario({ target: { datastore: { freeBytes: 62 * GiB } }, restorePoint: { disks } }));
    expect(fired(plan, 'DATA-THICK-SPACE')).toBe(false);
    expect(plan.ok).toBe(true);
  });
});

describe('DATA-THIN-SPACE', () => {
  it('fires for a thin disk whose allocated bytes exceed the free space', () => {
    const plan = planRestore(
      scenario({
        target: { datastore: { freeBytes: 5 * GiB } },
        restorePoint: { disks: [{ key: 2000, capacityBytes: 100 * GiB, allocatedBytes: 6 * GiB }] },
      }),
    );
    expect(findings(plan, 'DATA-THIN-SPACE')).toEqual([expect.objectContaining({ severity: 'block', disk: 2000 })]);
    expect(plan.ok).toBe(false);
  });
  it('fires for the thin disk that no longer fits after the thick disks', () => {
    const plan = planRestore(
      scenario({
        target: { datastore: { freeBytes: 20 * GiB } },
        restorePoint: {
          disks: [
            { key: 2000, capacityBytes: 16 * GiB, provisioning: 'eagerzeroed' },
            { key: 2001, capacityBytes: 100 * GiB, allocatedBytes: 5 * GiB, provisioning: 'thin' },
          ],
        },
      }),
    );
    expect(findings(plan, 'DATA-THIN-SPACE').map((f) => f.disk)).toEqual([2001]);
    expect(fired(plan, 'DATA-THICK-SPACE')).toBe(false);
  });
  it('does not fire when the allocated bytes fit, however large the capacity', () => {
    const plan = planRestore(
      scenario({
        target: { datastore: { freeBytes: 5 * GiB } },
        restorePoint: { disks: [{ key: 2000, capacityBytes: 100 * GiB, allocatedBytes: 4 * GiB }] },
      }),
    );
    expect(fired(plan, 'DATA-THIN-SPACE')).toBe(false);
  });
});

describe('DATA-LAZY-TO-EAGER', () => {
  it('fires as info for a lazy-zeroed disk backed up without an allocation map; it restores eager-zeroed', () => {
    const plan = planRestore(
      scenario({
        restorePoint: {
          disks: [
            { key: 2000, capacityBytes: 8 * GiB, allocatedBytes: 2 * GiB, provisioning: 'lazyzeroed', allocationMapSaved: false },
          ],
        },
      }),
    );
    expect(findings(plan, 'DATA-LAZY-TO-EAGER')).toEqual([expect.objectContaining({ severity: 'info', disk: 2000 })]);
    expect(disk(plan).restoredProvisioning).toBe('eagerzeroed');
    expect(disk(plan).bytesToWrite).toBe(8 * GiB);
  });
  it('does not fire when the allocation map was saved', () => {
    const plan = planRestore(
      scenario({
        restorePoint: {
          disks: [
            { key: 2000, capacityBytes: 8 * GiB, allocatedBytes: 2 * GiB, provisioning: 'lazyzeroed', allocationMapSaved: true },
          ],
        },
      }),
    );
    expect(fired(plan, 'DATA-LAZY-TO-EAGER')).toBe(false);
    expect(disk(plan).restoredProvisioning).toBe('lazyzeroed');
    expect(disk(plan).bytesToWrite).toBe(2 * GiB);
  });
});

describe('DATA-NFS-THIN-INFLATE', () => {
  const nfs = (nfsSeekData: boolean) => ({
    target: { host: { sanAttached: false }, datastore: { type: 'NFS', lun: null, nfsSeekData } },
  });
  it('fires as a warning for a thin disk on NFS without SEEK_DATA support', () => {
    expect(findings(planRestore(scenario(nfs(false))), 'DATA-NFS-THIN-INFLATE')).toEqual([
      expect.objectContaining({ severity: 'warn', disk: 2000 }),
    ]);
  });
  it('does not fire when the NFS server reports holes, or on VMFS', () => {
    expect(fired(planRestore(scenario(nfs(true))), 'DATA-NFS-THIN-INFLATE')).toBe(false);
    expect(fired(planRestore(scenario({ target: { datastore: { nfsSeekData: false } } })), 'DATA-NFS-THIN-INFLATE')).toBe(false);
  });
});

describe('DATA-THIN-FIRST-WRITE', () => {
  it('fires as info for each new thin disk, flagging it for the ETA', () => {
    const plan = planRestore(scenario());
    expect(findings(plan, 'DATA-THIN-FIRST-WRITE')).toEqual([expect.objectContaining({ severity: 'info', disk: 2000 })]);
    expect(disk(plan).firstWriteAllocates).toBe(true);
  });
  it('does not fire for thick disks', () => {
    const plan = planRestore(
      scenario({ restorePoint: { disks: [{ key: 2000, capacityBytes: GiB, provisioning: 'eagerzeroed' }] } }),
    );
    expect(fired(plan, 'DATA-THIN-FIRST-WRITE')).toBe(false);
    expect(disk(plan).firstWriteAllocates).toBe(false);
  });
});
