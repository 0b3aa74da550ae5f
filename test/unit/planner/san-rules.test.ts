import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { GiB, MiB, SAN_WORKSTATION, disk, findings, fired, merge, scenario } from './scenario-builder';

const thick = { restorePoint: { disks: [{ key: 2000, capacityBytes: 40 * GiB, provisioning: 'eagerzeroed' }] } };
const sanThick = merge(SAN_WORKSTATION, thick);

describe('XPORT-SAN-NEEDS-PHYSICAL', () => {
  it('fires when the workstation is a VM, excluding san for every disk (once, without a disk)', () => {
    const plan = planRestore(scenario(merge(sanThick, { workstation: { kind: 'vm' } })));
    expect(disk(plan).excluded.san).toContain('XPORT-SAN-NEEDS-PHYSICAL');
    const f = findings(plan, 'XPORT-SAN-NEEDS-PHYSICAL');
    expect(f).toHaveLength(1);
    expect(f[0]!.disk).toBeUndefined();
    // Under auto another transport is taken, so it explains rather than blocks.
    expect(f[0]!.severity).toBe('info');
    expect(plan.ok).toBe(true);
  });
  it('blocks when san is named in the options', () => {
    const plan = planRestore(scenario(merge(sanThick, { workstation: { kind: 'vm' }, options: { transport: 'san' } })));
    expect(findings(plan, 'XPORT-SAN-NEEDS-PHYSICAL')[0]!.severity).toBe('block');
    expect(plan.ok).toBe(false);
  });
  it('does not fire on a physical workstation', () => {
    const plan = planRestore(scenario(sanThick));
    expect(fired(plan, 'XPORT-SAN-NEEDS-PHYSICAL')).toBe(false);
    expect(disk(plan).transport).toBe('san');
  });
});

describe('XPORT-SAN-NO-LUN', () => {
  it('fires when the datastore LUN is not visible to the workstation', () => {
    const plan = planRestore(scenario(merge(thick, { workstation: { visibleLuns: ['naa.other'] } })));
    expect(disk(plan).excluded.san).toEqual(['XPORT-SAN-NO-LUN']);
    expect(findings(plan, 'XPORT-SAN-NO-LUN')).toHaveLength(1);
    expect(disk(plan).transport).toBe('nbdssl');
  });
  it('fires for a datastore that is not on a LUN at all (NFS)', () => {
    const plan = planRestore(
      scenario(merge(sanThick, { target: { datastore: { type: 'NFS', lun: null }, host: { sanAttached: false } } })),
    );
    expect(disk(plan).excluded.san).toEqual(['XPORT-SAN-NO-LUN']);
  });
  it('does not fire when the LUN is visible', () => {
    expect(fired(planRestore(scenario(sanThick)), 'XPORT-SAN-NO-LUN')).toBe(false);
  });
});

describe('XPORT-SAN-LOCAL-DATASTORE', () => {
  const local = { target: { datastore: { type: 'local', lun: null }, host: { sanAttached: true } } };
  it('fires as info on a local datastore of a SAN-attached host, and the transport is requested explicitly (never san)', () => {
    const plan = planRestore(scenario(merge(sanThick, local)));
    const f = findings(plan, 'XPORT-SAN-LOCAL-DATASTORE');
    expect(f).toEqual([expect.objectContaining({ severity: 'info' })]);
    expect(disk(plan).excluded.san).toContain('XPORT-SAN-LOCAL-DATASTORE');
    expect(disk(plan).transport).toBe('nbdssl');
    expect(disk(plan).chosenBy).toBe('auto');
    expect(plan.ok).toBe(true);
  });
  it('blocks an explicit san request on such a datastore', () => {
    const plan = planRestore(scenario(merge(merge(sanThick, local), { options: { transport: 'san' } })));
    expect(findings(plan, 'XPORT-SAN-LOCAL-DATASTORE')[0]!.severity).toBe('block');
    expect(plan.ok).toBe(false);
  });
  it('does not fire when the host has no SAN storage, or the datastore is on SAN', () => {
    expect(
      fired(
        planRestore(
          scenario(merge(sanThick, { target: { datastore: { type: 'local', lun: null }, host: { sanAttached: false } } })),
        ),
        'XPORT-SAN-LOCAL-DATASTORE',
      ),
    ).toBe(false);
    expect(fired(planRestore(scenario(sanThick)), 'XPORT-SAN-LOCAL-DATASTORE')).toBe(false);
  });
});

describe('XPORT-SAN-THIN-SLOW', () => {
  const thin = merge(SAN_WORKSTATION, {
    restorePoint: { disks: [{ key: 2000, capacityBytes: 40 * GiB, allocatedBytes: 10 * GiB, provisioning: 'thin' }] },
  });
  it('fires under auto for a thin disk and auto picks nbdssl instead of san', () => {
    const plan = planRestore(scenario(thin));
    expect(disk(plan).transport).toBe('nbdssl');
    expect(disk(plan).excluded.san).toEqual(['XPORT-SAN-THIN-SLOW']);
    expect(findings(plan, 'XPORT-SAN-THIN-SLOW')).toEqual([expect.objectContaining({ severity: 'warn', disk: 2000 })]);
    expect(disk(plan).why).toMatch(/XPORT-SAN-THIN-SLOW/);
  });
  it('fires as a warning but allows san when san is named for a thin disk', () => {
    const plan = planRestore(scenario(merge(thin, { options: { transport: 'san' } })));
    expect(disk(plan).transport).toBe('san');
    expect(disk(plan).excluded.san).toBeUndefined();
    expect(findings(plan, 'XPORT-SAN-THIN-SLOW')).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(plan.ok).toBe(true);
  });
  it('does not fire for a thick disk, nor when san is excluded anyway', () => {
    expect(fired(planRestore(scenario(sanThick)), 'XPORT-SAN-THIN-SLOW')).toBe(false);
    expect(fired(planRestore(scenario(merge(thin, { workstation: { visibleLuns: [] } }))), 'XPORT-SAN-THIN-SLOW')).toBe(false);
  });
});

describe('XPORT-SAN-NO-REDO', () => {
  it('fires when writing to a child disk', () => {
    const plan = planRestore(scenario(merge(sanThick, { options: { writeTo: 'redo' } })));
    expect(disk(plan).excluded.san).toEqual(['XPORT-SAN-NO-REDO']);
    expect(disk(plan).transport).toBe('nbdssl');
  });
  it('does not fire when writing base disks', () => {
    expect(fired(planRestore(scenario(merge(sanThick, { options: { writeTo: 'base' } }))), 'XPORT-SAN-NO-REDO')).toBe(false);
  });
});

describe('XPORT-SAN-NO-VVOL', () => {
  it('fires for a VVol datastore', () => {
    const plan = planRestore(scenario(merge(sanThick, { target: { datastore: { type: 'VVOL' } } })));
    expect(disk(plan).excluded.san).toEqual(['XPORT-SAN-NO-VVOL']);
  });
  it('does not fire for VMFS', () => {
    expect(fired(planRestore(scenario(sanThick)), 'XPORT-SAN-NO-VVOL')).toBe(false);
  });
});

describe('XPORT-SAN-NO-ENCRYPTED', () => {
  it('fires once per encrypted disk, only for that disk', () => {
    const plan = planRestore(
      scenario(
        merge(SAN_WORKSTATION, {
          restorePoint: {
            disks: [
              { key: 2000, capacityBytes: 8 * GiB, provisioning: 'eagerzeroed', encrypted: true },
              { key: 2001, capacityBytes: 8 * GiB, provisioning: 'eagerzeroed', encrypted: false },
            ],
          },
        }),
      ),
    );
    expect(findings(plan, 'XPORT-SAN-NO-ENCRYPTED')).toEqual([expect.objectContaining({ disk: 2000 })]);
    expect(disk(plan, 2000).transport).toBe('nbdssl');
    expect(disk(plan, 2001).transport).toBe('san');
  });
  it('does not fire for unencrypted disks', () => {
    expect(fired(planRestore(scenario(sanThick)), 'XPORT-SAN-NO-ENCRYPTED')).toBe(false);
  });
});

describe('XPORT-SAN-VMFS-BLOCK', () => {
  const odd = { restorePoint: { disks: [{ key: 2000, capacityBytes: 40 * GiB + 512, provisioning: 'eagerzeroed' }] } };
  it('fires on a pre-5.5 host when the disk size is not a multiple of the VMFS block', () => {
    const plan = planRestore(
      scenario(
        merge(merge(sanThick, odd), { target: { host: { esxiVersion: '5.1.0' }, datastore: { vmfsBlockBytes: 1 * MiB } } }),
      ),
    );
    expect(disk(plan).excluded.san).toEqual(['XPORT-SAN-VMFS-BLOCK']);
    expect(findings(plan, 'XPORT-SAN-VMFS-BLOCK')[0]!.disk).toBe(2000);
  });
  it('does not fire on ESXi 5.5 or later, nor for a size that is a block multiple', () => {
    expect(
      fired(
        planRestore(scenario(merge(merge(sanThick, odd), { target: { host: { esxiVersion: '5.5' } } }))),
        'XPORT-SAN-VMFS-BLOCK',
      ),
    ).toBe(false);
    expect(
      fired(planRestore(scenario(merge(sanThick, { target: { host: { esxiVersion: '5.0.0' } } }))), 'XPORT-SAN-VMFS-BLOCK'),
    ).toBe(false);
  });
});

describe('XPORT-SAN-STREAMS', () => {
  it('fires and caps streams per host at 6 when a disk uses san', () => {
    const plan = planRestore(scenario(merge(sanThick, { options: { concurrentStreams: 10 } })));
    expect(plan.streamsPerHost).toBe(6);
    expect(findings(plan, 'XPORT-SAN-STREAMS')).toEqual([expect.objectContaining({ severity: 'info' })]);
  });
  it('does not fire without san, nor at 6 streams or fewer', () => {
    const nbd = planRestore(scenario({ options: { concurrentStreams: 10 } }));
    expect(nbd.streamsPerHost).toBe(10);
    expect(fired(nbd, 'XPORT-SAN-STREAMS')).toBe(false);
    const six = planRestore(scenario(merge(sanThick, { options: { concurrentStreams: 6 } })));
    expect(six.streamsPerHost).toBe(6);
    expect(fired(six, 'XPORT-SAN-STREAMS')).toBe(false);
  });
});
