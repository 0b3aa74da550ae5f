import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { GiB, SAN_WORKSTATION, findings, merge, scenario } from './scenario-builder';

/** The rules whose remedy names a concrete request option carry it as `fix`, so a front door never reads the remedy's words. */
describe('structured fixes on findings', () => {
  it('a named transport that is excluded: auto, then each transport that would work', () => {
    const thick = { restorePoint: { disks: [{ key: 2000, capacityBytes: 40 * GiB, provisioning: 'eagerzeroed' }] } };
    const plan = planRestore(scenario(merge(merge(SAN_WORKSTATION, thick), { workstation: { kind: 'vm' }, options: { transport: 'san' } })));
    const [f] = findings(plan, 'XPORT-SAN-NEEDS-PHYSICAL');
    expect(f!.severity).toBe('block');
    expect(f!.fix).toEqual([
      { option: 'transport', value: 'auto' },
      { option: 'transport', value: 'nbdssl' },
      { option: 'transport', value: 'nbd' },
    ]);
    // Under auto the same exclusion only explains: nothing to fix.
    const auto = planRestore(scenario(merge(merge(SAN_WORKSTATION, thick), { workstation: { kind: 'vm' } })));
    expect(findings(auto, 'XPORT-SAN-NEEDS-PHYSICAL')[0]!.fix).toBeUndefined();
  });

  it('a hardware version the host lacks: the highest it supports', () => {
    const plan = planRestore(scenario({ target: { host: { supportedHardwareVersions: ['vmx-17', 'vmx-19'] } }, restorePoint: { vm: { hardwareVersion: 'vmx-21' } } }));
    expect(findings(plan, 'DATA-HW-VERSION')[0]!.fix).toEqual([{ option: 'hardwareVersion', value: 'vmx-19' }]);
  });

  it('a taken VM name: the name the remedy suggests', () => {
    const plan = planRestore(scenario({ target: { existingVmNames: ['app01', 'app01-restored'] } }));
    expect(findings(plan, 'DATA-VM-NAME-TAKEN')[0]!.fix).toEqual([{ option: 'name', value: 'app01-restored-2' }]);
  });

  it('a network mapped to one the host lacks: each VM network of the host, never an uplink', () => {
    const plan = planRestore(
      scenario({
        target: { host: { networks: [{ name: 'Uplinks', uplink: true }, { name: 'VM Network' }, { name: 'DR-VLAN10' }] } },
        restorePoint: { vm: { networks: ['Prod-VLAN10'] } },
        options: { networkMap: { 'Prod-VLAN10': 'Gone' } },
      }),
    );
    expect(findings(plan, 'DATA-NETWORK-MAP')[0]!.fix).toEqual([
      { option: 'networkMap', source: 'Prod-VLAN10', value: 'VM Network' },
      { option: 'networkMap', source: 'Prod-VLAN10', value: 'DR-VLAN10' },
    ]);
  });

  const encrypted = {
    restorePoint: { vm: { encrypted: true, keyProvider: 'kms-a', hasKeyId: true, hasEncryptionBundle: true, storagePolicy: 'VM Encryption Policy', nvramSaved: true } },
    target: { keyProviders: ['kms-a'], storagePolicies: ['VM Encryption Policy', 'Gold Encrypted'] },
  };

  it('a storage policy the target lacks: each policy it has', () => {
    const plan = planRestore(scenario(merge(encrypted, { options: { storagePolicy: 'Silver' } })));
    expect(findings(plan, 'CRYPT-POLICY-MISSING')[0]!.fix).toEqual([
      { option: 'storagePolicy', value: 'VM Encryption Policy' },
      { option: 'storagePolicy', value: 'Gold Encrypted' },
    ]);
  });

  it('an encrypted VM and a target without a key provider: restore unencrypted', () => {
    const plan = planRestore(scenario(merge(encrypted, { target: { keyProviders: [] } })));
    const block = findings(plan, 'CRYPT-KMS-MISMATCH').find((f) => f.severity === 'block');
    expect(block!.fix).toEqual([{ option: 'encryption', value: 'unencrypted' }]);
  });

  it('disks into a running VM: the explicit power-off step', () => {
    const plan = planRestore(
      scenario({ options: { restoreKind: 'disks', intoVm: { name: 'app01', poweredOn: true, disks: [{ key: 2000, controller: 'pvscsi', bus: 0, unit: 0, capacityBytes: 40 * GiB }] } } }),
    );
    expect(findings(plan, 'DATA-TARGET-POWERED-ON')[0]!.fix).toEqual([{ option: 'powerOffTarget', value: true }]);
  });

  it('a remedy that names no option the request can express carries no fix', () => {
    const plan = planRestore(scenario({ connection: { keychainAvailable: false } }));
    expect(findings(plan, 'CONN-NO-KEYCHAIN')[0]!.fix).toBeUndefined();
  });
});
