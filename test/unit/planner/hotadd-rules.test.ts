import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { GiB, HOTADD_WORKSTATION, disk, findings, fired, merge, scenario } from './scenario-builder';

describe('XPORT-HOTADD-NEEDS-VM', () => {
  it('fires on a physical workstation, once, excluding hotadd for every disk', () => {
    const plan = planRestore(
      scenario({
        restorePoint: {
          disks: [
            { key: 2000, capacityBytes: GiB },
            { key: 2001, capacityBytes: GiB },
          ],
        },
      }),
    );
    expect(findings(plan, 'XPORT-HOTADD-NEEDS-VM')).toEqual([expect.objectContaining({ severity: 'info' })]);
    expect(findings(plan, 'XPORT-HOTADD-NEEDS-VM')[0]!.disk).toBeUndefined();
    expect(plan.disks.map((d) => d.excluded.hotadd)).toEqual([['XPORT-HOTADD-NEEDS-VM'], ['XPORT-HOTADD-NEEDS-VM']]);
  });
  it('blocks an explicit hotadd request from a physical machine', () => {
    const plan = planRestore(scenario({ options: { transport: 'hotadd' } }));
    expect(findings(plan, 'XPORT-HOTADD-NEEDS-VM')[0]!.severity).toBe('block');
    expect(plan.ok).toBe(false);
  });
  it('does not fire inside a VM', () => {
    const plan = planRestore(scenario(HOTADD_WORKSTATION));
    expect(fired(plan, 'XPORT-HOTADD-NEEDS-VM')).toBe(false);
    expect(disk(plan).transport).toBe('hotadd');
  });
});

describe('XPORT-HOTADD-SAME-VCENTER', () => {
  it('fires when the proxy VM is under another vCenter', () => {
    const plan = planRestore(scenario(merge(HOTADD_WORKSTATION, { workstation: { vcenter: 'vc-other.test' } })));
    expect(disk(plan).excluded.hotadd).toEqual(['XPORT-HOTADD-SAME-VCENTER']);
    expect(findings(plan, 'XPORT-HOTADD-SAME-VCENTER')[0]!.message).toMatch(/vc-other\.test/);
    expect(disk(plan).transport).toBe('nbdssl');
  });
  it("fires when the proxy's host cannot reach the target datastore", () => {
    const plan = planRestore(scenario(merge(HOTADD_WORKSTATION, { workstation: { datastores: ['ds-proxy'] } })));
    expect(findings(plan, 'XPORT-HOTADD-SAME-VCENTER')[0]!.message).toMatch(/ds1/);
  });
  it('does not fire when proxy and target share the vCenter (names compared case-insensitively) and datastore', () => {
    expect(
      fired(
        planRestore(scenario(merge(HOTADD_WORKSTATION, { workstation: { vcenter: 'VC.example.test' } }))),
        'XPORT-HOTADD-SAME-VCENTER',
      ),
    ).toBe(false);
  });
  it('does not fire for a proxy on a standalone ESXi host reached directly', () => {
    const plan = planRestore(
      scenario(
        merge(HOTADD_WORKSTATION, {
          workstation: { vcenter: null },
          connection: { kind: 'esxi', server: 'esx01.test', vcenter: null },
        }),
      ),
    );
    expect(fired(plan, 'XPORT-HOTADD-SAME-VCENTER')).toBe(false);
  });
});

describe('XPORT-HOTADD-IDE', () => {
  it('fires for a disk on an IDE controller, only for that disk', () => {
    const plan = planRestore(
      scenario(
        merge(HOTADD_WORKSTATION, {
          restorePoint: {
            disks: [
              { key: 2000, capacityBytes: GiB, controller: 'pvscsi' },
              { key: 3000, capacityBytes: GiB, controller: 'ide' },
            ],
          },
        }),
      ),
    );
    expect(findings(plan, 'XPORT-HOTADD-IDE')).toEqual([expect.objectContaining({ disk: 3000, severity: 'info' })]);
    expect(disk(plan, 2000).transport).toBe('hotadd');
    expect(disk(plan, 3000).transport).toBe('nbdssl');
    expect(disk(plan, 3000).excluded.hotadd).toEqual(['XPORT-HOTADD-IDE']);
  });
  it('does not fire for SCSI disks', () => {
    expect(fired(planRestore(scenario(HOTADD_WORKSTATION)), 'XPORT-HOTADD-IDE')).toBe(false);
  });
});

describe('XPORT-HOTADD-ENCRYPTED-PROXY', () => {
  const encryptedDisk = { restorePoint: { disks: [{ key: 2000, capacityBytes: GiB, encrypted: true }] } };
  it('fires for an encrypted disk when the proxy VM is not encrypted', () => {
    const plan = planRestore(scenario(merge(merge(HOTADD_WORKSTATION, encryptedDisk), { workstation: { vmEncrypted: false } })));
    expect(disk(plan).excluded.hotadd).toEqual(['XPORT-HOTADD-ENCRYPTED-PROXY']);
    expect(disk(plan).transport).toBe('nbdssl');
  });
  it('does not fire with an encrypted proxy, or for an unencrypted disk', () => {
    const plan = planRestore(scenario(merge(merge(HOTADD_WORKSTATION, encryptedDisk), { workstation: { vmEncrypted: true } })));
    expect(fired(plan, 'XPORT-HOTADD-ENCRYPTED-PROXY')).toBe(false);
    expect(disk(plan).transport).toBe('hotadd');
    expect(fired(planRestore(scenario(HOTADD_WORKSTATION)), 'XPORT-HOTADD-ENCRYPTED-PROXY')).toBe(false);
  });
});

describe('XPORT-HOTADD-CONTROLLER-ORDER', () => {
  it('fires as a warning when the proxy controllers skip a bus number and a disk is hot-added', () => {
    const plan = planRestore(scenario(merge(HOTADD_WORKSTATION, { workstation: { scsiControllerBuses: [0, 3] } })));
    expect(findings(plan, 'XPORT-HOTADD-CONTROLLER-ORDER')).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(plan.ok).toBe(true);
  });
  it('does not fire for buses in sequence, or when no disk uses hotadd', () => {
    expect(
      fired(
        planRestore(scenario(merge(HOTADD_WORKSTATION, { workstation: { scsiControllerBuses: [1, 0, 2] } }))),
        'XPORT-HOTADD-CONTROLLER-ORDER',
      ),
    ).toBe(false);
    const nbd = planRestore(
      scenario(merge(HOTADD_WORKSTATION, { workstation: { scsiControllerBuses: [0, 3] }, options: { transport: 'nbdssl' } })),
    );
    expect(fired(nbd, 'XPORT-HOTADD-CONTROLLER-ORDER')).toBe(false);
  });
});

describe('XPORT-HOTADD-UNBUFFERED', () => {
  it('fires for a hot-added disk: unbuffered open with sector-aligned buffers', () => {
    const plan = planRestore(scenario(HOTADD_WORKSTATION));
    expect(disk(plan)).toMatchObject({ transport: 'hotadd', unbuffered: true, bufferAlignment: 512 });
    expect(disk(plan).effects).toContain('XPORT-HOTADD-UNBUFFERED');
  });
  it('does not fire for other transports', () => {
    const plan = planRestore(scenario());
    expect(disk(plan).unbuffered).toBe(false);
    expect(fired(plan, 'XPORT-HOTADD-UNBUFFERED')).toBe(false);
  });
});
