import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { findings, fired, merge, scenario, steps } from './scenario-builder';

const encryptedVm = {
  restorePoint: {
    vm: {
      encrypted: true,
      keyProvider: 'kms-a',
      hasKeyId: true,
      hasEncryptionBundle: true,
      storagePolicy: 'VM Encryption Policy',
      nvramSaved: true,
    },
  },
  target: { keyProviders: ['kms-a'], storagePolicies: ['VM Encryption Policy'] },
};
const vtpmVm = merge(encryptedVm, { restorePoint: { vm: { vtpm: true, firmware: 'efi' } } });

describe('CRYPT-KEYS-SAVED', () => {
  it('fires as a step putting keyId, bundle and policy into the ConfigSpec, and NVRAM is uploaded', () => {
    const plan = planRestore(scenario(encryptedVm));
    const s = steps(plan, 'CRYPT-KEYS-SAVED');
    expect(s[0]!.description).toMatch(/keyId/);
    expect(s[0]!.description).toMatch(/VM Encryption Policy/);
    expect(s.some((x) => /NVRAM/.test(x.description))).toBe(true);
    expect(plan.ok).toBe(true);
  });
  it('does not fire when keys are missing, for unencrypted VMs, or for a disks-only restore', () => {
    expect(
      fired(
        planRestore(scenario(merge(encryptedVm, { restorePoint: { vm: { hasEncryptionBundle: false } } }))),
        'CRYPT-KEYS-SAVED',
      ),
    ).toBe(false);
    expect(fired(planRestore(scenario()), 'CRYPT-KEYS-SAVED')).toBe(false);
    expect(fired(planRestore(scenario(merge(encryptedVm, { options: { restoreKind: 'disks' } }))), 'CRYPT-KEYS-SAVED')).toBe(
      false,
    );
  });
});

describe('CRYPT-KEYS-MISSING', () => {
  it('fires as a warning naming what is missing, and the unusable NVRAM is not uploaded', () => {
    const plan = planRestore(scenario(merge(encryptedVm, { restorePoint: { vm: { hasKeyId: false } } })));
    const f = findings(plan, 'CRYPT-KEYS-MISSING');
    expect(f).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(f[0]!.message).toMatch(/keyId/);
    expect(f[0]!.remedy).toMatch(/new keys/);
    expect(plan.steps.some((s) => /NVRAM/.test(s.description))).toBe(false);
  });
  it('does not fire when keyId and bundle are saved', () => {
    expect(fired(planRestore(scenario(encryptedVm)), 'CRYPT-KEYS-MISSING')).toBe(false);
  });
});

describe('CRYPT-KMS-MISMATCH', () => {
  it('fires as a warning when the target has no key provider of the original name', () => {
    const plan = planRestore(scenario(merge(encryptedVm, { target: { keyProviders: ['kms-dr'] } })));
    expect(findings(plan, 'CRYPT-KMS-MISMATCH')).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(findings(plan, 'CRYPT-KMS-MISMATCH')[0]!.message).toMatch(/power on/);
    expect(plan.ok).toBe(true);
  });
  it('does not fire when the provider exists on the target', () => {
    expect(fired(planRestore(scenario(encryptedVm)), 'CRYPT-KMS-MISMATCH')).toBe(false);
  });
  // A target with no key provider at all (a standalone ESXi host) refuses to create a VM with a vTPM or an encrypted home.
  for (const [what, vm] of [['a vTPM VM', vtpmVm], ['a VM with an encrypted home', encryptedVm]] as const) {
    for (const kind of ['esxi', 'vcenter'] as const) {
      it(`blocks keeping the keys of ${what} when the target (${kind}) has no key provider; unencrypted is the way`, () => {
        const none = merge(vm, { connection: { kind }, target: { keyProviders: [] } });
        const plan = planRestore(scenario(none));
        expect(findings(plan, 'CRYPT-KMS-MISMATCH')).toEqual([expect.objectContaining({ severity: 'block' })]);
        expect(findings(plan, 'CRYPT-KMS-MISMATCH')[0]!.remedy).toMatch(/--encryption unencrypted/);
        expect(plan.ok).toBe(false);
        const unencrypted = planRestore(scenario(merge(none, { options: { encryption: 'unencrypted' } })));
        expect(unencrypted.ok).toBe(true);
        expect(fired(unencrypted, 'CRYPT-KMS-MISMATCH')).toBe(false);
      });
    }
  }
  it('stays a warning when the target has key providers, only not the original one', () => {
    const plan = planRestore(scenario(merge(vtpmVm, { connection: { kind: 'esxi' }, target: { keyProviders: ['kms-dr'] } })));
    expect(findings(plan, 'CRYPT-KMS-MISMATCH')).toEqual([expect.objectContaining({ severity: 'warn' })]);
  });
});

describe('CRYPT-POLICY-MISSING', () => {
  it('fires as a warning when the saved policy is gone, defaulting to the sample encryption policy', () => {
    const plan = planRestore(scenario(merge(encryptedVm, { restorePoint: { vm: { storagePolicy: 'Gold Encrypted' } } })));
    const f = findings(plan, 'CRYPT-POLICY-MISSING');
    expect(f).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(f[0]!.remedy).toMatch(/VM Encryption Policy/);
    expect(steps(plan, 'CRYPT-KEYS-SAVED')[0]!.description).toMatch(/"VM Encryption Policy"/);
  });
  it('does not fire when the saved policy exists', () => {
    expect(fired(planRestore(scenario(encryptedVm)), 'CRYPT-POLICY-MISSING')).toBe(false);
  });
});

describe('VTPM-FIRMWARE', () => {
  it('fires as a step setting efi before the vTPM device is added', () => {
    const plan = planRestore(scenario(vtpmVm));
    const fw = steps(plan, 'VTPM-FIRMWARE')[0]!;
    const device = steps(plan, 'VTPM-RESTORE').find((s) => /vTPM device/.test(s.description))!;
    expect(fw.order).toBeLessThan(device.order);
  });
  it('does not fire without a vTPM', () => {
    expect(fired(planRestore(scenario(encryptedVm)), 'VTPM-FIRMWARE')).toBe(false);
  });
});

describe('VTPM-RESTORE', () => {
  it('fires as steps: add the vTPM device, then upload NVRAM after the VM exists and the disks are written', () => {
    const plan = planRestore(scenario(vtpmVm));
    const [device, nvram] = steps(plan, 'VTPM-RESTORE');
    const create = steps(plan, 'STEP-CONFIG-FROM-CONFIGINFO').find((s) => /Create/.test(s.description))!;
    expect(device!.description).toMatch(/vTPM device/);
    expect(nvram!.description).toMatch(/NVRAM/);
    expect(nvram!.order).toBeGreaterThan(create.order);
  });
  it('does not fire without a vTPM', () => {
    expect(fired(planRestore(scenario(encryptedVm)), 'VTPM-RESTORE')).toBe(false);
  });
});

describe('VTPM-NVRAM-MISSING', () => {
  it('fires as a warning for a vTPM VM whose NVRAM was not saved', () => {
    const plan = planRestore(scenario(merge(vtpmVm, { restorePoint: { vm: { nvramSaved: false } } })));
    const f = findings(plan, 'VTPM-NVRAM-MISSING');
    expect(f).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(f[0]!.message).toMatch(/vTPM/);
    expect(plan.steps.some((s) => /NVRAM/.test(s.description))).toBe(false);
  });
  it('does not fire when NVRAM was saved, nor for an unencrypted VM without vTPM', () => {
    expect(fired(planRestore(scenario(vtpmVm)), 'VTPM-NVRAM-MISSING')).toBe(false);
    expect(fired(planRestore(scenario({ restorePoint: { vm: { nvramSaved: false } } })), 'VTPM-NVRAM-MISSING')).toBe(false);
  });
});
