import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { GiB, SAN_WORKSTATION, disk, findings, fired, scenario, steps } from './scenario-builder';

/** A disks restore into app01, which has one 40 GiB disk in the same slot as the restore point's. */
const INTO_APP01 = {
  options: {
    restoreKind: 'disks',
    intoVm: { name: 'app01', disks: [{ key: 2000, controller: 'pvscsi', bus: 0, unit: 0, capacityBytes: 40 * GiB }] },
  },
};

describe('CONN-NO-KEYCHAIN', () => {
  it('fires as a note when the OS keychain is unavailable (credentials for this session only)', () => {
    const plan = planRestore(scenario({ connection: { keychainAvailable: false } }));
    expect(findings(plan, 'CONN-NO-KEYCHAIN')).toEqual([
      expect.objectContaining({ severity: 'info', message: expect.stringMatching(/this session only/) }),
    ]);
    expect(plan.ok).toBe(true);
  });
  it('does not fire when the keychain works', () => {
    expect(fired(planRestore(scenario()), 'CONN-NO-KEYCHAIN')).toBe(false);
  });
});

describe('XPORT-SAN-RESTORE-SNAPSHOT', () => {
  it('fires as two steps around the SAN writes: snapshot before, revert and delete after', () => {
    const plan = planRestore(
      scenario({
        ...SAN_WORKSTATION,
        restorePoint: { disks: [{ key: 2000, capacityBytes: 40 * GiB, provisioning: 'eagerzeroed' }] },
      }),
    );
    expect(disk(plan).transport).toBe('san');
    const s = steps(plan, 'XPORT-SAN-RESTORE-SNAPSHOT');
    expect(s).toHaveLength(2);
    const write = plan.steps.find((x) => x.disk === 2000 && /^Write/.test(x.description))!;
    expect(s[0]!.order).toBeLessThan(write.order);
    expect(s[1]!.order).toBeGreaterThan(write.order);
    expect(s[1]!.description).toMatch(/also when the restore failed/);
    expect(s[0]!.description).toMatch(/app01-restored/);
  });
  it('does not fire when no disk is written over SAN', () => {
    expect(fired(planRestore(scenario()), 'XPORT-SAN-RESTORE-SNAPSHOT')).toBe(false);
  });
});

describe('XPORT-SAN-EXISTING-SNAPSHOTS', () => {
  const sanInto = (snapshots: number, transport = 'san') =>
    scenario({
      ...SAN_WORKSTATION,
      restorePoint: { disks: [{ key: 2000, capacityBytes: 40 * GiB, provisioning: 'eagerzeroed' }] },
      options: { ...INTO_APP01.options, transport, intoVm: { ...INTO_APP01.options.intoVm, snapshots } },
    });
  it('fires as a block of san when the target VM already has snapshots and san was asked for', () => {
    const plan = planRestore(sanInto(2));
    expect(findings(plan, 'XPORT-SAN-EXISTING-SNAPSHOTS')).toEqual([
      expect.objectContaining({ severity: 'block', transport: 'san' }),
    ]);
    expect(plan.ok).toBe(false);
  });
  it('fires under auto as an exclusion: another transport is taken', () => {
    const plan = planRestore(sanInto(1, 'auto'));
    expect(disk(plan).excluded.san).toContain('XPORT-SAN-EXISTING-SNAPSHOTS');
    expect(disk(plan).transport).toBe('nbdssl');
    expect(plan.ok).toBe(true);
  });
  it('does not fire for a target VM without snapshots', () => {
    const plan = planRestore(sanInto(0));
    expect(fired(plan, 'XPORT-SAN-EXISTING-SNAPSHOTS')).toBe(false);
    expect(disk(plan).transport).toBe('san');
  });
});

describe('DATA-TARGET-POWERED-ON', () => {
  it('fires as a warning and a power-off step when the user chose to power the running VM off', () => {
    const plan = planRestore(
      scenario({ options: { ...INTO_APP01.options, powerOffTarget: true, intoVm: { ...INTO_APP01.options.intoVm, poweredOn: true } } }),
    );
    expect(findings(plan, 'DATA-TARGET-POWERED-ON')).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(steps(plan, 'DATA-TARGET-POWERED-ON')[0]!.description).toMatch(/Power off app01, as chosen/);
    expect(plan.ok).toBe(true);
  });
  it('fires as a block when the VM a disks restore writes into is powered on', () => {
    const plan = planRestore(
      scenario({ options: { ...INTO_APP01.options, intoVm: { ...INTO_APP01.options.intoVm, poweredOn: true } } }),
    );
    expect(findings(plan, 'DATA-TARGET-POWERED-ON')).toEqual([expect.objectContaining({ severity: 'block' })]);
    expect(plan.ok).toBe(false);
  });
  it('does not fire when the target VM is off, nor for a full-VM restore', () => {
    // A disks restore always has the power check as a step (the VM could be started after planning); never a finding here.
    expect(findings(planRestore(scenario(INTO_APP01)), 'DATA-TARGET-POWERED-ON')).toEqual([]);
    expect(steps(planRestore(scenario(INTO_APP01)), 'DATA-TARGET-POWERED-ON')[0]!.description).toMatch(/Check that app01 is powered off/);
    expect(fired(planRestore(scenario()), 'DATA-TARGET-POWERED-ON')).toBe(false);
  });
});

describe('DATA-VM-NAME-TAKEN', () => {
  it('fires as a block when the default name is taken in the datacenter', () => {
    const plan = planRestore(scenario({ target: { existingVmNames: ['app01', 'app01-restored'] } }));
    expect(findings(plan, 'DATA-VM-NAME-TAKEN')).toEqual([
      expect.objectContaining({ severity: 'block', message: expect.stringMatching(/app01-restored/) }),
    ]);
    expect(plan.ok).toBe(false);
  });
  it('fires for a chosen name that is taken', () => {
    const plan = planRestore(scenario({ target: { existingVmNames: ['tech-test'] }, options: { name: 'tech-test' } }));
    expect(fired(plan, 'DATA-VM-NAME-TAKEN')).toBe(true);
  });
  it('does not fire for a free name (the original name being taken does not matter)', () => {
    const plan = planRestore(scenario({ target: { existingVmNames: ['app01'] }, options: { name: 'app01-dr' } }));
    expect(fired(plan, 'DATA-VM-NAME-TAKEN')).toBe(false);
    expect(plan.vmName).toBe('app01-dr');
    expect(
      steps(plan, 'STEP-CONFIG-FROM-CONFIGINFO')
        .map((s) => s.description)
        .join(' '),
    ).toMatch(/Create app01-dr/);
  });
});

describe('DATA-DISK-MAP', () => {
  it('fires as a block when the target VM has no disk in the slot of the restore point disk', () => {
    const plan = planRestore(
      scenario({
        options: {
          ...INTO_APP01.options,
          intoVm: { name: 'app01', disks: [{ key: 2001, bus: 0, unit: 1, capacityBytes: 40 * GiB }] },
        },
      }),
    );
    expect(findings(plan, 'DATA-DISK-MAP')).toEqual([
      expect.objectContaining({ severity: 'block', disk: 2000, remedy: expect.stringMatching(/--disk-map 2000=/) }),
    ]);
    expect(disk(plan).targetDisk).toBeNull();
    expect(plan.ok).toBe(false);
  });
  it('fires when the matching disk is smaller than the restore point disk', () => {
    const plan = planRestore(
      scenario({
        options: { ...INTO_APP01.options, intoVm: { name: 'app01', disks: [{ key: 2000, capacityBytes: 20 * GiB }] } },
      }),
    );
    expect(findings(plan, 'DATA-DISK-MAP')[0]!.message).toMatch(/smaller/);
  });
  it('fires when the VM named does not exist on the target', () => {
    const plan = planRestore(scenario({ options: { restoreKind: 'disks', intoVm: { name: 'nosuchvm', exists: false } } }));
    expect(findings(plan, 'DATA-DISK-MAP')).toEqual([
      expect.objectContaining({ severity: 'block', message: expect.stringMatching(/no VM named "nosuchvm"/) }),
    ]);
  });
  it('fires when an explicit mapping names a disk the VM does not have', () => {
    const plan = planRestore(scenario({ options: { ...INTO_APP01.options, diskMap: { 2000: 2005 } } }));
    expect(findings(plan, 'DATA-DISK-MAP')[0]!.message).toMatch(/has no disk 2005/);
  });
  it('does not fire when a disk sits in the same slot, or an explicit mapping fits; the plan names the target disk', () => {
    const bySlot = planRestore(scenario(INTO_APP01));
    expect(fired(bySlot, 'DATA-DISK-MAP')).toBe(false);
    expect(disk(bySlot).targetDisk).toBe(2000);
    const mapped = planRestore(
      scenario({
        options: {
          ...INTO_APP01.options,
          diskMap: { 2000: 2002 },
          intoVm: { name: 'app01', disks: [{ key: 2002, bus: 1, unit: 0, capacityBytes: 50 * GiB }] },
        },
      }),
    );
    expect(fired(mapped, 'DATA-DISK-MAP')).toBe(false);
    expect(disk(mapped).targetDisk).toBe(2002);
    expect(mapped.steps.find((s) => s.disk === 2000 && /^Write/.test(s.description))!.description).toMatch(
      /into app01's disk 2002/,
    );
  });
  it('does not fire when the disks are added as new disks', () => {
    const plan = planRestore(
      scenario({ options: { ...INTO_APP01.options, addAsNew: true, intoVm: { name: 'app01', disks: [] } } }),
    );
    // Adding new disks is itself a step of the plan (rule DATA-DISK-MAP), never a finding.
    expect(findings(plan, 'DATA-DISK-MAP')).toEqual([]);
    expect(steps(plan, 'DATA-DISK-MAP')[0]!.description).toMatch(/Add 1 new disk to app01/);
  });
});

describe('DATA-HW-VERSION', () => {
  const hw = (saved: string, supported: string[], chosen: string | null = null) =>
    planRestore(
      scenario({
        target: { host: { supportedHardwareVersions: supported } },
        restorePoint: { vm: { hardwareVersion: saved } },
        options: { hardwareVersion: chosen },
      }),
    );
  it('fires as a block when the host does not support the saved version, offering the highest it does', () => {
    const plan = hw('vmx-21', ['vmx-17', 'vmx-19']);
    expect(findings(plan, 'DATA-HW-VERSION')).toEqual([
      expect.objectContaining({ severity: 'block', remedy: expect.stringMatching(/--hardware-version vmx-19/) }),
    ]);
    expect(plan.ok).toBe(false);
  });
  it('fires as a warning when a lower supported version is chosen, and the plan creates the VM with it', () => {
    const plan = hw('vmx-21', ['vmx-17', 'vmx-19'], 'vmx-19');
    expect(findings(plan, 'DATA-HW-VERSION')).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(plan.ok).toBe(true);
    expect(plan.hardwareVersion).toBe('vmx-19');
    expect(steps(plan, 'STEP-CONFIG-FROM-CONFIGINFO')[0]!.description).toMatch(/hardware version vmx-19/);
  });
  it('fires as a block when the chosen version is not supported either', () => {
    expect(findings(hw('vmx-21', ['vmx-17', 'vmx-19'], 'vmx-20'), 'DATA-HW-VERSION')[0]!.severity).toBe('block');
  });
  it('fires as a block when the host does not know the guest OS (UnsupportedGuest), and not when it does or cannot say', () => {
    const guest = (supportedGuestIds: string[]) =>
      planRestore(scenario({ target: { host: { supportedGuestIds } }, restorePoint: { vm: { guestId: 'windows2022srvNext_64Guest' } } }));
    expect(findings(guest(['windows2019srvNext_64Guest', 'rhel9_64Guest']), 'DATA-HW-VERSION')).toEqual([
      expect.objectContaining({ severity: 'block', message: expect.stringMatching(/windows2022srvNext_64Guest/) }),
    ]);
    expect(fired(guest(['windows2022srvNext_64Guest']), 'DATA-HW-VERSION')).toBe(false);
    expect(fired(guest([]), 'DATA-HW-VERSION')).toBe(false);
  });
  it('does not fire when the host supports the saved version, or its versions are not known', () => {
    expect(fired(hw('vmx-19', ['vmx-17', 'vmx-19']), 'DATA-HW-VERSION')).toBe(false);
    expect(fired(hw('vmx-21', []), 'DATA-HW-VERSION')).toBe(false);
  });
});

describe('DATA-NETWORK-MAP', () => {
  const net = (hostNetworks: { name: string; uplink?: boolean }[], networkMap: Record<string, string> = {}) =>
    planRestore(
      scenario({
        target: { host: { networks: hostNetworks } },
        restorePoint: { vm: { networks: ['Prod-VLAN10'] } },
        options: { networkMap },
      }),
    );
  it('fires as a warning naming the network used when the source network is missing (never an uplink)', () => {
    const plan = net([{ name: 'DSwitch-Uplinks', uplink: true }, { name: 'VM Network' }]);
    expect(findings(plan, 'DATA-NETWORK-MAP')).toEqual([
      expect.objectContaining({ severity: 'warn', message: expect.stringMatching(/"VM Network"/) }),
    ]);
    expect(plan.networks).toEqual([{ source: 'Prod-VLAN10', target: 'VM Network', how: 'automatic' }]);
  });
  it('fires as a block when the host has only uplink port groups and no mapping was given', () => {
    const plan = net([{ name: 'DSwitch-Uplinks', uplink: true }]);
    expect(findings(plan, 'DATA-NETWORK-MAP')[0]!.severity).toBe('block');
    expect(plan.ok).toBe(false);
  });
  it('fires as a block when the mapping names an uplink port group', () => {
    const plan = net([{ name: 'DSwitch-Uplinks', uplink: true }, { name: 'VM Network' }], { 'Prod-VLAN10': 'DSwitch-Uplinks' });
    expect(findings(plan, 'DATA-NETWORK-MAP')[0]!).toEqual(
      expect.objectContaining({ severity: 'block', message: expect.stringMatching(/uplink/) }),
    );
  });
  it('fires as a note for an explicit mapping, which the plan carries', () => {
    const plan = net([{ name: 'VM Network' }, { name: 'DR-VLAN10' }], { 'Prod-VLAN10': 'DR-VLAN10' });
    expect(findings(plan, 'DATA-NETWORK-MAP')[0]!.severity).toBe('info');
    expect(plan.networks[0]).toEqual({ source: 'Prod-VLAN10', target: 'DR-VLAN10', how: 'mapped' });
  });
  it('does not fire when the host has the source network, or its networks are not known', () => {
    expect(fired(net([{ name: 'Prod-VLAN10' }]), 'DATA-NETWORK-MAP')).toBe(false);
    expect(fired(net([]), 'DATA-NETWORK-MAP')).toBe(false);
  });
});

describe('DATA-NO-CONFIGINFO', () => {
  it('fires as a warning listing the defaults the VM is built from', () => {
    const plan = planRestore(scenario({ restorePoint: { vm: { configInfoSaved: false, firmware: 'bios' } } }));
    expect(findings(plan, 'DATA-NO-CONFIGINFO')).toEqual([
      expect.objectContaining({
        severity: 'warn',
        message: expect.stringMatching(/firmware bios.*pvscsi controller.*no network card/),
      }),
    ]);
    expect(steps(plan, 'DATA-NO-CONFIGINFO')).toHaveLength(1);
    expect(
      steps(plan, 'STEP-CONFIG-FROM-CONFIGINFO')
        .map((s) => s.description)
        .join(' '),
    ).not.toMatch(/saved ConfigInfo/);
  });
  it('does not fire when the ConfigInfo was saved', () => {
    expect(fired(planRestore(scenario()), 'DATA-NO-CONFIGINFO')).toBe(false);
  });
  it('lists the values the user chose instead of the defaults, in the finding, the step and the plan', () => {
    const plan = planRestore(
      scenario({
        restorePoint: { vm: { configInfoSaved: false, firmware: 'bios', guestFamily: 'linux' } },
        options: { importedVm: { firmware: 'efi', guestId: 'ubuntu64Guest', controller: 'lsilogic' } },
      }),
    );
    const words = /firmware efi \(chosen\), guest OS ubuntu64Guest \(chosen\), lsilogic controller \(chosen\), no network card/;
    expect(findings(plan, 'DATA-NO-CONFIGINFO')[0]!.message).toMatch(words);
    expect(steps(plan, 'DATA-NO-CONFIGINFO')[0]!.description).toMatch(words);
    expect(plan.importedVm).toEqual({ firmware: 'efi', guestId: 'ubuntu64Guest', controller: 'lsilogic', chosen: ['firmware', 'guestId', 'controller'] });
    const defaults = planRestore(scenario({ restorePoint: { vm: { configInfoSaved: false, firmware: 'bios', guestFamily: 'linux' } } }));
    expect(defaults.importedVm).toEqual({ firmware: 'bios', guestId: 'otherLinux64Guest', controller: 'pvscsi', chosen: [] });
    expect(planRestore(scenario()).importedVm).toBeNull();
  });
  it('checks the guest OS in force against the host like DATA-HW-VERSION does, chosen or default', () => {
    const imported = (guestId: string | null) =>
      planRestore(
        scenario({
          target: { host: { supportedGuestIds: ['otherGuest64', 'ubuntu64Guest'] } },
          restorePoint: { vm: { configInfoSaved: false, guestFamily: 'other' } },
          options: { importedVm: { guestId } },
        }),
      );
    expect(imported('ubuntu64Guest').ok).toBe(true);
    expect(imported(null).ok).toBe(true);
    const unknown = imported('windows2025srvNext_64Guest');
    expect(findings(unknown, 'DATA-HW-VERSION')).toEqual([expect.objectContaining({ severity: 'block', message: expect.stringMatching(/windows2025srvNext_64Guest/) })]);
    expect(planRestore(scenario({ target: { host: { supportedGuestIds: ['ubuntu64Guest'] } }, restorePoint: { vm: { configInfoSaved: false, guestFamily: 'other' } } })).ok).toBe(false);
  });
  it('a chosen controller is the one the transport rules judge (XPORT-HOTADD-IDE stays off for SCSI)', () => {
    const plan = planRestore(
      scenario({
        restorePoint: { vm: { configInfoSaved: false }, disks: [{ key: 2000, capacityBytes: GiB, controller: 'ide' }] },
        options: { importedVm: { controller: 'pvscsi' } },
      }),
    );
    expect(plan.disks[0]!.excluded.hotadd ?? []).not.toContain('XPORT-HOTADD-IDE');
  });
});

describe('DATA-ALLOCATION-UNKNOWN', () => {
  it('fires as a note when VDDK cannot report the allocated blocks of the overwritten disk', () => {
    const plan = planRestore(
      scenario({
        options: {
          ...INTO_APP01.options,
          intoVm: { name: 'app01', disks: [{ key: 2000, capacityBytes: 40 * GiB, allocationKnown: false }] },
        },
      }),
    );
    expect(findings(plan, 'DATA-ALLOCATION-UNKNOWN')).toEqual([expect.objectContaining({ severity: 'info', disk: 2000 })]);
    expect(plan.ok).toBe(true);
  });
  it('does not fire when the allocation is known', () => {
    expect(fired(planRestore(scenario(INTO_APP01)), 'DATA-ALLOCATION-UNKNOWN')).toBe(false);
  });
});

describe('STEP-POWER-ON', () => {
  it('fires as a step after NVRAM and before the closing steps when power on was asked for', () => {
    const plan = planRestore(scenario({ options: { powerOn: true, cbtEnabledOnTarget: true } }));
    const on = steps(plan, 'STEP-POWER-ON');
    expect(on).toHaveLength(1);
    const cbtOn = plan.steps.find((s) => s.rule === 'STEP-CBT-OFF' && /back on/.test(s.description))!;
    expect(on[0]!.order).toBeLessThan(cbtOn.order);
    expect(on[0]!.order).toBeGreaterThan(plan.steps.find((s) => /Upload the saved NVRAM/.test(s.description))!.order);
    expect(plan.powerOn).toBe(true);
  });
  it('does not fire by default: a restored VM stays powered off', () => {
    const plan = planRestore(scenario());
    expect(fired(plan, 'STEP-POWER-ON')).toBe(false);
    expect(plan.powerOn).toBe(false);
  });
});

describe('restore request facts and options (plan-scenario.md, Extension)', () => {
  it('reports DATA-NETWORK-MAP once, VM-wide, for several NICs, with the worst severity', () => {
    const plan = planRestore(
      scenario({
        target: { host: { networks: [{ name: 'Uplinks', uplink: true }, { name: 'VM Network' }] } },
        restorePoint: { vm: { networks: ['Prod', 'Backup', 'VM Network'] } },
        options: { networkMap: { Backup: 'Uplinks' } },
      }),
    );
    const f = findings(plan, 'DATA-NETWORK-MAP');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('block');
    expect(f[0]!.message).toMatch(/"Prod".*"VM Network"/);
    expect(plan.networks.map((n) => n.how)).toEqual(['automatic', 'mapped', 'same-name']);
  });
  it('rejects a malformed hardware version or disk map key by path', async () => {
    const { parseScenario } = await import('../../../electron/planner/scenario-parse');
    const r = parseScenario({
      restorePoint: { vm: { hardwareVersion: '21' }, disks: [{ key: 2000, capacityBytes: 1 }] },
      options: { diskMap: { first: 2001 } },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['restorePoint.vm.hardwareVersion', 'options.diskMap.first']),
    );
  });
});

describe('time estimate (bytes per transport at assumed rates)', () => {
  it('estimates writing and reading back at the transport rate, thin first writes slower, and drops the read-back when not verifying', () => {
    const disks = [{ key: 2000, capacityBytes: 100 * GiB, allocatedBytes: 6 * GiB, provisioning: 'eagerzeroed' }];
    const verified = planRestore(scenario({ restorePoint: { disks } }));
    // 6 GiB over nbdssl at 60 MiB/s: 102.4 s to write, as much to read back.
    expect(verified.estimate).toMatchObject({ seconds: 205, bytesToWrite: 6 * GiB });
    expect(planRestore(scenario({ restorePoint: { disks }, options: { verify: false } })).estimate.seconds).toBe(103);
    const thin = planRestore(scenario({ restorePoint: { disks: [{ ...disks[0], provisioning: 'thin' }] }, options: { verify: false } }));
    expect(thin.estimate.seconds).toBe(128);
    expect(planRestore(scenario({ connection: { thumbprintTrusted: false } })).estimate.seconds).toBeGreaterThan(0);
  });
});
