import type { Finding, FindingFix } from '../plan-types';
import type { Scenario } from '../scenario-schema';

/** The sample policy vSphere ships for VM encryption; the fallback when the saved one is gone. */
export const DEFAULT_ENCRYPTION_POLICY = 'VM Encryption Policy';

/** A vTPM lives in the encrypted VM home, so a vTPM VM is treated as encrypted. */
export function vmHomeEncrypted(s: Scenario): boolean {
  return s.restorePoint.vm.encrypted || s.restorePoint.vm.vtpm;
}

export function keysSaved(s: Scenario): boolean {
  return s.restorePoint.vm.hasKeyId && s.restorePoint.vm.hasEncryptionBundle;
}

/** The storage policy an encrypted restore uses: the chosen one, else the saved one if it exists, else the default. */
export function restoredStoragePolicy(s: Scenario): string {
  const saved = s.restorePoint.vm.storagePolicy;
  if (s.options.storagePolicy !== null) return s.options.storagePolicy;
  return saved !== null && s.target.storagePolicies.includes(saved) ? saved : DEFAULT_ENCRYPTION_POLICY;
}

const UNENCRYPTED: FindingFix = { option: 'encryption', value: 'unencrypted' };
const NEW_KEYS: FindingFix = { option: 'encryption', value: 'new-keys' };

/** Standalone ESXi has no key provider of its own; remedies must not send the user to a vCenter they do not have. */
function keyProviderRemedy(s: Scenario, original: string): string {
  return s.connection.kind === 'esxi'
    ? `A standalone ESXi host cannot fetch keys from a key provider: restore through a vCenter that has the key provider "${original}", or choose --encryption unencrypted.`
    : `Add a key provider with the cluster name "${original}" (same or replicated KMS) to the target vCenter, or choose --encryption new-keys (the saved NVRAM is then lost).`;
}

function policyFinding(s: Scenario): Finding[] {
  const vm = s.restorePoint.vm;
  const chosen = s.options.storagePolicy;
  // CRYPT-POLICY-MISSING
  if (chosen !== null) {
    if (s.target.storagePolicies.includes(chosen)) return [];
    return [
      {
        rule: 'CRYPT-POLICY-MISSING',
        severity: 'block',
        message: `The chosen storage policy "${chosen}" does not exist on the target.`,
        remedy: `Choose one of: ${s.target.storagePolicies.join(', ') || '(the target has no storage policy)'} (--storage-policy).`,
        ...(s.target.storagePolicies.length > 0 ? { fix: s.target.storagePolicies.map((value) => ({ option: 'storagePolicy' as const, value })) } : {}),
      },
    ];
  }
  if (vm.storagePolicy !== null && s.target.storagePolicies.includes(vm.storagePolicy)) return [];
  return [
    {
      rule: 'CRYPT-POLICY-MISSING',
      severity: 'warn',
      message:
        vm.storagePolicy === null
          ? `No storage policy was saved for encrypted VM ${vm.name}; the restore uses "${DEFAULT_ENCRYPTION_POLICY}".`
          : `The saved storage policy "${vm.storagePolicy}" does not exist on the target; the restore uses "${DEFAULT_ENCRYPTION_POLICY}".`,
      remedy: `Pick another encryption storage policy if "${DEFAULT_ENCRYPTION_POLICY}" is not right (--storage-policy, or the policy picker in the restore wizard).`,
    },
  ];
}

function nvramLostFinding(s: Scenario, why: string): Finding[] {
  const vm = s.restorePoint.vm;
  if (!vm.nvramSaved) return [];
  // VTPM-NVRAM-MISSING: the saved NVRAM is sealed by the original keys, so the restore cannot use it.
  return [
    {
      rule: 'VTPM-NVRAM-MISSING',
      severity: 'warn',
      message: `${why}: the saved NVRAM of ${vm.name} is sealed by its original keys and is not uploaded; a generic NVRAM is used${vm.vtpm ? ' and the secrets held by its vTPM are lost' : ''}.`,
      remedy:
        'Expect to reconfigure UEFI Secure Boot or the boot order; re-enrol anything sealed to the vTPM (BitLocker recovery key, etc.).',
    },
  ];
}

/**
 * CRYPT-KMS-MISMATCH as a block: with no key provider at all the target holds
 * no key, and a host refuses to create a VM whose home it must encrypt (a vTPM
 * lives there), so keeping the keys cannot run. Unencrypted can: the vTPM is left out.
 */
function noKeyProviderBlock(s: Scenario): Finding {
  const vm = s.restorePoint.vm;
  const esxi = s.connection.kind === 'esxi';
  const what = vm.vtpm ? 'a virtual TPM, which lives in an encrypted VM home' : 'an encrypted VM home';
  return {
    rule: 'CRYPT-KMS-MISMATCH',
    severity: 'block',
    message: `${vm.name} has ${what}, and the target has no key provider${esxi ? ' (a standalone ESXi host has none)' : ''}: it holds no key to encrypt the restored VM with, so it refuses to create it with the original keys.`,
    remedy: esxi
      ? `A standalone ESXi host cannot fetch keys from a key provider: choose --encryption unencrypted (${vm.vtpm ? 'the vTPM is left out and ' : ''}a generic NVRAM is used), or restore through a vCenter that has the key provider${vm.keyProvider ? ` "${vm.keyProvider}"` : ''}.`
      : `Choose --encryption unencrypted (${vm.vtpm ? 'the vTPM is left out and ' : ''}a generic NVRAM is used), or add a key provider${vm.keyProvider ? ` with the cluster name "${vm.keyProvider}"` : ''} to the target vCenter.`,
    fix: [UNENCRYPTED],
  };
}

/** Findings when the original keys are kept (the default choice). */
function keepKeysFindings(s: Scenario): Finding[] {
  const out: Finding[] = [];
  const vm = s.restorePoint.vm;
  // CRYPT-KEYS-MISSING
  if (!keysSaved(s)) {
    const missing = [vm.hasKeyId ? null : 'keyId', vm.hasEncryptionBundle ? null : 'encryption.bundle']
      .filter(Boolean)
      .join(' and ');
    out.push({
      rule: 'CRYPT-KEYS-MISSING',
      severity: 'warn',
      message: `${vm.name} was encrypted but the restore point lacks its ${missing}; the original keys cannot be reused${vm.nvramSaved ? ' and the saved NVRAM cannot be read' : ''}.`,
      remedy:
        s.connection.kind === 'esxi' && s.target.keyProviders.length === 0
          ? 'Choose --encryption unencrypted (a standalone ESXi host has no key provider for new keys); a generic NVRAM is used.'
          : 'Choose: encrypt the restored VM with new keys (--encryption new-keys; a generic NVRAM is used, UEFI Secure Boot or the boot disk may need reconfiguring), or restore it unencrypted (--encryption unencrypted).',
      fix: s.connection.kind === 'esxi' && s.target.keyProviders.length === 0 ? [UNENCRYPTED] : [NEW_KEYS, UNENCRYPTED],
    });
  }
  if (vm.hasKeyId && s.target.keyProviders.length === 0) {
    out.push(noKeyProviderBlock(s));
  } else if (keysSaved(s) && (vm.keyProvider === null || !s.target.keyProviders.includes(vm.keyProvider))) {
    // CRYPT-KMS-MISMATCH: without the original key provider the keys cannot be pushed, so the VM stays off.
    out.push({
      rule: 'CRYPT-KMS-MISMATCH',
      severity: 'warn',
      message:
        vm.keyProvider === null
          ? `The restore point does not name ${vm.name}'s key provider, so Lifeboat cannot confirm the target can unlock it; if not, the restored VM will not power on.`
          : `The target has no key provider named "${vm.keyProvider}" (it has: ${s.target.keyProviders.join(', ') || 'none'}); the restored VM will not power on.`,
      remedy: keyProviderRemedy(s, vm.keyProvider ?? 'of the original'),
      fix: [s.connection.kind === 'esxi' ? UNENCRYPTED : NEW_KEYS],
    });
  }
  out.push(...policyFinding(s));
  // VTPM-NVRAM-MISSING
  if (!vm.nvramSaved) {
    out.push({
      rule: 'VTPM-NVRAM-MISSING',
      severity: 'warn',
      message: `The restore point has no NVRAM for ${vm.name}; a generic NVRAM is used${vm.vtpm ? ' and the secrets held by its vTPM are lost' : ''}.`,
      remedy:
        'Expect to reconfigure UEFI Secure Boot or the boot order; re-enrol anything sealed to the vTPM (BitLocker recovery key, etc.).',
    });
  }
  return out;
}

function newKeysFindings(s: Scenario): Finding[] {
  if (s.target.keyProviders.length === 0) {
    // CRYPT-KMS-MISMATCH: new keys need a key provider on the target.
    return [
      {
        rule: 'CRYPT-KMS-MISMATCH',
        severity: 'block',
        message: `New keys were chosen, but the target has no key provider to make them${s.connection.kind === 'esxi' ? ' (a standalone ESXi host has none)' : ''}.`,
        remedy:
          s.connection.kind === 'esxi'
            ? 'Choose --encryption unencrypted, or restore through a vCenter that has a key provider.'
            : 'Add a key provider to the target vCenter, or choose --encryption unencrypted.',
        fix: [UNENCRYPTED],
      },
    ];
  }
  return [...policyFinding(s), ...nvramLostFinding(s, 'New keys were chosen')];
}

function unencryptedFindings(s: Scenario): Finding[] {
  const vm = s.restorePoint.vm;
  const out: Finding[] = [];
  if (vm.vtpm) {
    // VTPM-RESTORE: a vTPM lives in the encrypted VM home, so an unencrypted VM cannot carry it.
    out.push({
      rule: 'VTPM-RESTORE',
      severity: 'warn',
      message: `${vm.name} had a virtual TPM; it is left out because the VM is restored unencrypted, so anything sealed to it (BitLocker keys, credentials) is not available.`,
      remedy: 'Have the BitLocker recovery key ready; to keep a vTPM, restore with --encryption keep or new-keys on a target with a key provider.',
    });
  }
  return [...out, ...nvramLostFinding(s, 'The VM is restored unencrypted')];
}

/**
 * Encryption, vTPM and NVRAM findings. They concern creating a VM, so they apply
 * to full-VM restores only; a disks restore writes into a VM that keeps its own
 * keys. The encryption choice decides which apply: a finding the choice made
 * false is never shown.
 */
export function cryptoFindings(s: Scenario): Finding[] {
  if (s.options.restoreKind !== 'full-vm' || !vmHomeEncrypted(s)) return [];
  switch (s.options.encryption) {
    case 'keep':
      return keepKeysFindings(s);
    case 'new-keys':
      return newKeysFindings(s);
    case 'unencrypted':
      return unencryptedFindings(s);
  }
}
