import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { GiB, HOTADD_WORKSTATION, SAN_WORKSTATION, fired, merge, scenario, steps } from './scenario-builder';

const thickSan = merge(SAN_WORKSTATION, {
  restorePoint: { disks: [{ key: 2000, capacityBytes: 8 * GiB, provisioning: 'eagerzeroed' }] },
});
const windowsHotadd = merge(HOTADD_WORKSTATION, { restorePoint: { vm: { guestFamily: 'windows' } } });
/** A plan where no disk gets a transport (hotadd named on a physical machine). */
const nothingWritten = { options: { transport: 'hotadd' } };

describe('step order', () => {
  it('follows the data flow: config, firmware, vTPM, keys, create VM, PrepareForAccess, CBT off, writes, signature, NVRAM, CBT on, EndAccess, Cleanup', () => {
    const plan = planRestore(
      scenario(
        merge(windowsHotadd, {
          workstation: { vmEncrypted: true },
          restorePoint: {
            vm: {
              encrypted: true,
              vtpm: true,
              keyProvider: 'kms-a',
              hasKeyId: true,
              hasEncryptionBundle: true,
              storagePolicy: 'VM Encryption Policy',
            },
          },
        }),
      ),
    );
    expect(plan.steps.map((s) => s.order)).toEqual(plan.steps.map((_, i) => i + 1));
    const seq = plan.steps.map((s) => s.rule);
    expect(seq).toEqual([
      'NFC-TIMEOUTS',
      'STEP-CONFIG-FROM-CONFIGINFO',
      'VTPM-FIRMWARE',
      'VTPM-RESTORE',
      'CRYPT-KEYS-SAVED',
      'STEP-CONFIG-FROM-CONFIGINFO',
      'STEP-PREPARE-ACCESS',
      'STEP-CBT-OFF',
      'XPORT-HOTADD-UNBUFFERED',
      'STEP-WINDOWS-SIGNATURE',
      'VTPM-RESTORE',
      'STEP-CBT-OFF',
      'STEP-PREPARE-ACCESS',
      'STEP-HOTADD-CLEANUP',
    ]);
  });
  it('says PrepareForAccess is not available when the target is a standalone ESXi host', () => {
    const steps = planRestore(scenario({ connection: { kind: 'esxi', vcenter: null } })).steps.filter((s) => s.rule === 'STEP-PREPARE-ACCESS');
    expect(steps[0]?.description).toMatch(/through vCenter only/);
    const onVcenter = planRestore(scenario({})).steps.find((s) => s.rule === 'STEP-PREPARE-ACCESS');
    expect(onVcenter?.description).toMatch(/blocks Storage vMotion/);
  });

  it('orders per-disk steps by the disks’ order in the restore point', () => {
    const plan = planRestore(
      scenario({
        restorePoint: {
          disks: [
            { key: 2001, capacityBytes: GiB },
            { key: 2000, capacityBytes: GiB },
          ],
        },
      }),
    );
    expect(plan.steps.filter((s) => s.disk !== undefined).map((s) => s.disk)).toEqual([2001, 2001, 2000, 2000]);
  });
});

describe('STEP-CBT-OFF', () => {
  it('fires: change tracking off before the writes and back on after, when it is on', () => {
    const plan = planRestore(scenario({ options: { cbtEnabledOnTarget: true } }));
    const [off, on] = steps(plan, 'STEP-CBT-OFF');
    const write = plan.steps.find((s) => s.rule === 'XPORT-NBDSSL-BUFFER')!;
    expect(off!.order).toBeLessThan(write.order);
    expect(on!.order).toBeGreaterThan(write.order);
  });
  it('fires for any san write even when tracking is already off (kept off, not turned on after)', () => {
    const plan = planRestore(scenario(merge(thickSan, { options: { cbtEnabledOnTarget: false } })));
    expect(steps(plan, 'STEP-CBT-OFF')).toHaveLength(1);
    expect(steps(plan, 'STEP-CBT-OFF')[0]!.description).toMatch(/off/);
  });
  it('does not fire when tracking is off and no disk goes over san', () => {
    expect(fired(planRestore(scenario({ options: { cbtEnabledOnTarget: false } })), 'STEP-CBT-OFF')).toBe(false);
  });
});

describe('STEP-PREPARE-ACCESS', () => {
  it('fires around the writes: PrepareForAccess first, EndAccess after', () => {
    const plan = planRestore(scenario({ options: { restoreKind: 'disks' } }));
    const [prepare, end] = steps(plan, 'STEP-PREPARE-ACCESS');
    expect(prepare!.description).toMatch(/PrepareForAccess/);
    expect(end!.description).toMatch(/EndAccess/);
    expect(end!.description).toMatch(/fail/);
    expect(prepare!.order).toBeLessThan(end!.order);
  });
  it('does not fire when nothing is written', () => {
    expect(fired(planRestore(scenario(nothingWritten)), 'STEP-PREPARE-ACCESS')).toBe(false);
  });
});

describe('STEP-CONFIG-FROM-CONFIGINFO', () => {
  it('fires for a full-VM restore: ConfigSpec from ConfigInfo, never a .vmx copy', () => {
    const s = steps(planRestore(scenario({ options: { restoreKind: 'full-vm' } })), 'STEP-CONFIG-FROM-CONFIGINFO');
    expect(s[0]!.description).toMatch(/ConfigInfo/);
    expect(s.some((x) => /Create/.test(x.description))).toBe(true);
  });
  it('does not fire for a disks restore', () => {
    expect(fired(planRestore(scenario({ options: { restoreKind: 'disks' } })), 'STEP-CONFIG-FROM-CONFIGINFO')).toBe(false);
  });
});

describe('STEP-HOTADD-CLEANUP', () => {
  it('fires after HotAdd use, as the last step', () => {
    const plan = planRestore(scenario(HOTADD_WORKSTATION));
    const cleanup = steps(plan, 'STEP-HOTADD-CLEANUP');
    expect(cleanup).toHaveLength(1);
    expect(plan.steps.at(-1)!.rule).toBe('STEP-HOTADD-CLEANUP');
    expect(cleanup[0]!.description).toMatch(/snapshot/);
  });
  it('does not fire without HotAdd', () => {
    expect(fired(planRestore(scenario()), 'STEP-HOTADD-CLEANUP')).toBe(false);
  });
});

describe('STEP-WINDOWS-SIGNATURE', () => {
  it('fires for each hot-added disk of a Windows guest, after the writes, reading over nbdssl', () => {
    const plan = planRestore(
      scenario(
        merge(windowsHotadd, {
          restorePoint: {
            disks: [
              { key: 2000, capacityBytes: GiB },
              { key: 2001, capacityBytes: GiB },
            ],
          },
        }),
      ),
    );
    const s = steps(plan, 'STEP-WINDOWS-SIGNATURE');
    expect(s.map((x) => x.disk)).toEqual([2000, 2001]);
    expect(s[0]!.description).toMatch(/nbdssl/);
    const lastWrite = Math.max(...plan.steps.filter((x) => x.rule === 'XPORT-HOTADD-UNBUFFERED').map((x) => x.order));
    expect(s[0]!.order).toBeGreaterThan(lastWrite);
  });
  it('does not fire for Linux guests, nor for Windows guests over nbdssl', () => {
    expect(fired(planRestore(scenario(HOTADD_WORKSTATION)), 'STEP-WINDOWS-SIGNATURE')).toBe(false);
    expect(
      fired(planRestore(scenario(merge(windowsHotadd, { options: { transport: 'nbdssl' } }))), 'STEP-WINDOWS-SIGNATURE'),
    ).toBe(false);
  });
});

describe('NFC-TIMEOUTS', () => {
  it('fires first, with the recommended timeouts for the VDDK config file', () => {
    const plan = planRestore(scenario());
    const s = steps(plan, 'NFC-TIMEOUTS');
    expect(s).toHaveLength(1);
    expect(s[0]!.order).toBe(1);
    for (const part of ['accept 180 s', 'request 180 s', 'read 60 s', 'write 600 s', 'nfcFssrvr 0', 'nfcFssrvrWrite 0'])
      expect(s[0]!.description).toContain(part);
  });
  it('does not fire when no VDDK session is needed', () => {
    expect(fired(planRestore(scenario(nothingWritten)), 'NFC-TIMEOUTS')).toBe(false);
  });
});

describe('NFC-KEEPALIVE', () => {
  it('fires for each nbd/nbdssl disk, reading sector 0 more often than the read timeout', () => {
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
    const s = steps(plan, 'NFC-KEEPALIVE');
    expect(s.map((x) => x.disk)).toEqual([2000, 2001]);
    const secs = Number(/every (\d+) s/.exec(s[0]!.description)![1]);
    expect(secs).toBeLessThan(60);
  });
  it('does not fire for san or hotadd disks', () => {
    expect(fired(planRestore(scenario(thickSan)), 'NFC-KEEPALIVE')).toBe(false);
    expect(fired(planRestore(scenario(HOTADD_WORKSTATION)), 'NFC-KEEPALIVE')).toBe(false);
  });
});
