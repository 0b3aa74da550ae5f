import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { GiB, HOTADD_WORKSTATION, MiB, SAN_WORKSTATION, disk, findings, fired, merge, scenario } from './scenario-builder';

const thickSan = merge(SAN_WORKSTATION, {
  restorePoint: { disks: [{ key: 2000, capacityBytes: 8 * GiB, provisioning: 'eagerzeroed' }] },
});

describe('transport choice under auto', () => {
  it('takes the fastest allowed transport: san, then hotadd, then nbdssl', () => {
    expect(disk(planRestore(scenario(thickSan))).transport).toBe('san');
    expect(
      disk(
        planRestore(
          scenario(
            merge(HOTADD_WORKSTATION, {
              restorePoint: { disks: [{ key: 2000, capacityBytes: GiB, provisioning: 'eagerzeroed' }] },
            }),
          ),
        ),
      ).transport,
    ).toBe('hotadd');
    expect(disk(planRestore(scenario())).transport).toBe('nbdssl');
  });
  it('says why and that auto chose', () => {
    const d = disk(planRestore(scenario()));
    expect(d.chosenBy).toBe('auto');
    expect(d.why).toMatch(/XPORT-SAN-NO-LUN/);
    expect(d.why).toMatch(/XPORT-HOTADD-NEEDS-VM/);
  });
  it('lists every rule that excluded a transport', () => {
    const plan = planRestore(
      scenario(merge(HOTADD_WORKSTATION, { target: { datastore: { type: 'VVOL' } }, options: { writeTo: 'redo' } })),
    );
    expect(disk(plan).excluded.san).toEqual(['XPORT-SAN-NEEDS-PHYSICAL', 'XPORT-SAN-NO-REDO', 'XPORT-SAN-NO-VVOL']);
  });
});

describe('transport named in the options', () => {
  it('is used as named when nothing excludes it, even if a faster one exists', () => {
    const plan = planRestore(scenario(merge(thickSan, { options: { transport: 'nbd' } })));
    expect(disk(plan)).toMatchObject({ transport: 'nbd', chosenBy: 'options' });
    expect(plan.ok).toBe(true);
  });
  it('is never substituted: excluded means no transport, ok false, and the finding names what would work', () => {
    const plan = planRestore(scenario({ options: { transport: 'san' } }));
    expect(disk(plan).transport).toBeNull();
    expect(plan.ok).toBe(false);
    const f = findings(plan, 'XPORT-SAN-NO-LUN')[0]!;
    expect(f.severity).toBe('block');
    expect(f.remedy).toMatch(/nbdssl/);
  });
});

describe('XPORT-NO-AVAILABLE', () => {
  it('fires as a block listing every rule that excluded each transport', () => {
    const plan = planRestore(
      scenario(
        merge(HOTADD_WORKSTATION, {
          workstation: { vcenter: 'vc-other.test' },
          restorePoint: { disks: [{ key: 3000, capacityBytes: GiB, controller: 'ide' }] },
          options: { transport: 'hotadd' },
        }),
      ),
    );
    const f = findings(plan, 'XPORT-NO-AVAILABLE');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'block', disk: 3000 });
    expect(f[0]!.excludedBy).toEqual({
      san: ['XPORT-SAN-NEEDS-PHYSICAL', 'XPORT-SAN-NO-LUN'],
      hotadd: ['XPORT-HOTADD-SAME-VCENTER', 'XPORT-HOTADD-IDE'],
    });
    expect(f[0]!.message).toMatch(/XPORT-HOTADD-IDE/);
    expect(f[0]!.remedy).toMatch(/nbdssl/);
    expect(disk(plan, 3000).transport).toBeNull();
    expect(plan.ok).toBe(false);
  });
  it('does not fire while some transport is allowed', () => {
    const plan = planRestore(scenario(HOTADD_WORKSTATION));
    expect(fired(plan, 'XPORT-NO-AVAILABLE')).toBe(false);
  });
});

describe('XPORT-NBDSSL-BUFFER', () => {
  it('fires for nbdssl and nbd: I/O of at most 2 MiB with several requests in flight', () => {
    for (const transport of ['nbdssl', 'nbd'] as const) {
      const d = disk(planRestore(scenario({ options: { transport } })));
      expect(d.transport).toBe(transport);
      expect(d.ioBytes).toBeLessThanOrEqual(2 * MiB);
      expect(d.ioBytes % 512).toBe(0);
      expect(d.inFlight).toBeGreaterThan(1);
      expect(d.effects).toContain('XPORT-NBDSSL-BUFFER');
    }
  });
  it('does not fire for san or hotadd', () => {
    expect(fired(planRestore(scenario(thickSan)), 'XPORT-NBDSSL-BUFFER')).toBe(false);
    expect(fired(planRestore(scenario(HOTADD_WORKSTATION)), 'XPORT-NBDSSL-BUFFER')).toBe(false);
  });
});

describe('XPORT-ALIGNED-BUFFERS', () => {
  it('fires for every disk that VDDK writes, whatever the transport', () => {
    for (const s of [scenario(thickSan), scenario(HOTADD_WORKSTATION), scenario()]) {
      const d = disk(planRestore(s));
      expect(d.bufferAlignment).toBe(512);
      expect(d.effects).toContain('XPORT-ALIGNED-BUFFERS');
    }
  });
  it('does not fire for a disk that nothing will write', () => {
    const plan = planRestore(scenario({ options: { transport: 'hotadd' } }));
    expect(disk(plan).effects).toEqual([]);
    expect(fired(plan, 'XPORT-ALIGNED-BUFFERS')).toBe(false);
  });
});
