import type { Finding } from '../plan-types';
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

/**
 * Encryption, vTPM and NVRAM findings. They concern creating a VM, so they apply
 * to full-VM restores only; a disks restore writes into a VM that keeps its own keys.
 */
export function cryptoFindings(s: Scenario): Finding[] {
  if (s.options.restoreKind !== 'full-vm' || !vmHomeEncrypted(s)) return [];
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
        'Choose: encrypt the restored VM with new keys (a generic NVRAM is used; UEFI Secure Boot or the boot disk may need reconfiguring), or restore it unencrypted.',
    });
  }
  // CRYPT-KMS-MISMATCH: without the original key provider vCenter cannot push the keys, so the VM stays off.
  if (keysSaved(s) && (vm.keyProvider === null || !s.target.keyProviders.includes(vm.keyProvider))) {
    out.push({
      rule: 'CRYPT-KMS-MISMATCH',
      severity: 'warn',
      message:
        vm.keyProvider === null
          ? `The restore point does not name ${vm.name}'s key provider, so Lifeboat cannot confirm the target can unlock it; if not, the VM will not power on.`
          : `The target has no key provider named "${vm.keyProvider}" (it has: ${s.target.keyProviders.join(', ') || 'none'}); the restored VM will not power on.`,
      remedy: `Add a key provider with the cluster name "${vm.keyProvider ?? 'of the original'}" (same or replicated KMS) to the target vCenter, or restore with new keys (the saved NVRAM is then lost).`,
    });
  }
  // CRYPT-POLICY-MISSING
  if (vm.storagePolicy === null || !s.target.storagePolicies.includes(vm.storagePolicy)) {
    out.push({
      rule: 'CRYPT-POLICY-MISSING',
      severity: 'warn',
      message:
        vm.storagePolicy === null
          ? `No storage policy was saved for encrypted VM ${vm.name}.`
          : `The saved storage policy "${vm.storagePolicy}" does not exist on the target.`,
      remedy: `Pick an encryption storage policy for the restore; Lifeboat defaults to "${DEFAULT_ENCRYPTION_POLICY}".`,
    });
  }
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
