import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { fired, scenario, steps } from './scenario-builder';

/** The demo shape: an encrypted EFI vTPM VM with keys, bundle, policy and NVRAM saved, its KMS present on the target. */
const ENCRYPTED_VTPM = {
  restorePoint: {
    vm: {
      name: 'demo-win2022',
      guestFamily: 'windows',
      encrypted: true,
      vtpm: true,
      keyProvider: 'kms-a',
      hasKeyId: true,
      hasEncryptionBundle: true,
      storagePolicy: 'VM Encryption Policy',
      nvramSaved: true,
    },
  },
};
const withOptions = (options: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  planRestore(scenario({ ...ENCRYPTED_VTPM, ...extra, options }));
const text = (plan: ReturnType<typeof planRestore>) => plan.steps.map((s) => s.description).join('\n');

describe('encryption choice: the plan shows what the run does', () => {
  it('keep: the saved keys, the vTPM and the NVRAM upload', () => {
    const plan = withOptions({ encryption: 'keep' });
    expect(plan.encryption).toBe('keep');
    expect(steps(plan, 'CRYPT-KEYS-SAVED').length).toBeGreaterThan(0);
    expect(text(plan)).toMatch(/Upload the saved NVRAM/);
    expect(fired(plan, 'VTPM-FIRMWARE')).toBe(true);
    expect(plan.storagePolicy).toBe('VM Encryption Policy');
  });
  it('unencrypted under a new name (the reproduction: tech-test): no keys, no vTPM, no NVRAM, and the name that runs', () => {
    const plan = withOptions({ encryption: 'unencrypted', name: 'tech-test' });
    const t = text(plan);
    expect(t).toMatch(/Create tech-test/);
    expect(t).not.toMatch(/demo-win2022 on datastore/);
    expect(t).not.toMatch(/keyId and encryption.bundle/);
    expect(t).not.toMatch(/Upload the saved NVRAM/);
    expect(fired(plan, 'VTPM-FIRMWARE')).toBe(false);
    expect(plan.findings.map((f) => f.message).join(' ')).not.toMatch(/will not power on/);
    expect(plan.findings.find((f) => f.rule === 'VTPM-RESTORE')?.message).toMatch(/left out/);
    expect(plan.storagePolicy).toBeNull();
    expect(plan.vmName).toBe('tech-test');
  });
  it('new keys: a new key from the target key provider, no NVRAM upload, and no key-provider mismatch warning', () => {
    const plan = withOptions({ encryption: 'new-keys' }, { target: { keyProviders: ['kms-dr'] } });
    expect(text(plan)).toMatch(/new key from key provider kms-dr/);
    expect(text(plan)).not.toMatch(/Upload the saved NVRAM/);
    expect(fired(plan, 'CRYPT-KMS-MISMATCH')).toBe(false);
    expect(plan.findings.find((f) => f.rule === 'VTPM-NVRAM-MISSING')?.message).toMatch(/sealed by its original keys/);
    expect(plan.ok).toBe(true);
  });
  it('new keys on a standalone ESXi host without a key provider: blocked, and the remedy fits the host', () => {
    const plan = withOptions(
      { encryption: 'new-keys' },
      { connection: { kind: 'esxi', vcenter: null }, target: { keyProviders: [] } },
    );
    const f = plan.findings.find((x) => x.rule === 'CRYPT-KMS-MISMATCH')!;
    expect(f.severity).toBe('block');
    expect(f.remedy).toMatch(/unencrypted/);
    expect(f.remedy).not.toMatch(/target vCenter/);
  });
  it('keep on a standalone ESXi host: the key-provider remedy does not send the user to a vCenter they do not have', () => {
    const plan = withOptions(
      { encryption: 'keep' },
      { connection: { kind: 'esxi', vcenter: null }, target: { keyProviders: [] } },
    );
    const f = plan.findings.find((x) => x.rule === 'CRYPT-KMS-MISMATCH')!;
    expect(f.remedy).toMatch(/standalone ESXi host/);
    expect(f.remedy).not.toMatch(/to the target vCenter/);
  });
  it('a chosen storage policy replaces the missing saved one; a chosen policy that does not exist blocks', () => {
    const missing = { target: { storagePolicies: ['Gold Encrypted'] } };
    expect(withOptions({}, missing).findings.find((f) => f.rule === 'CRYPT-POLICY-MISSING')?.severity).toBe('warn');
    const chosen = withOptions({ storagePolicy: 'Gold Encrypted' }, missing);
    expect(fired(chosen, 'CRYPT-POLICY-MISSING')).toBe(false);
    expect(chosen.storagePolicy).toBe('Gold Encrypted');
    expect(text(chosen)).toMatch(/storage policy "Gold Encrypted"/);
    const wrong = withOptions({ storagePolicy: 'Silver' }, missing);
    expect(wrong.findings.find((f) => f.rule === 'CRYPT-POLICY-MISSING')?.severity).toBe('block');
  });
});
