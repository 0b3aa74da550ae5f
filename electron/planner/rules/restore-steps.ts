import type { DiskPlan } from '../plan-types';
import type { Scenario } from '../scenario-schema';
import { DEFAULT_ENCRYPTION_POLICY, keysSaved, vmHomeEncrypted } from './crypto-vtpm-rules';
import { formatBytes } from './exclusion';
import { keepaliveStep, nfcTimeoutSteps } from './nfc-rules';
import { PHASE, type DraftStep } from './step-draft';

type DiskFacts = Pick<
  DiskPlan,
  'key' | 'label' | 'transport' | 'ioBytes' | 'inFlight' | 'unbuffered' | 'bytesToWrite' | 'restoredProvisioning'
>;

function writeStep(d: DiskFacts): DraftStep {
  const how = d.unbuffered ? 'unbuffered, ' : '';
  const rule =
    d.transport === 'hotadd'
      ? 'XPORT-HOTADD-UNBUFFERED'
      : d.transport === 'san'
        ? 'XPORT-ALIGNED-BUFFERS'
        : 'XPORT-NBDSSL-BUFFER';
  return {
    rule,
    phase: PHASE.diskWrite,
    disk: d.key,
    description:
      `Write ${d.label} (${d.restoredProvisioning}) over ${d.transport}: copy ${formatBytes(d.bytesToWrite)} of allocated extents, skip zeros, ` +
      `${how}${formatBytes(d.ioBytes)} requests, ${d.inFlight} in flight, 512-byte aligned buffers; flush, verify, close.`,
  };
}

/** The automatic steps of a restore, ordered and numbered. */
export function restoreSteps(s: Scenario, disks: readonly DiskFacts[]): DraftStep[] {
  const vm = s.restorePoint.vm;
  const fullVm = s.options.restoreKind === 'full-vm';
  const writing = disks.filter((d) => d.transport !== null);
  const anyWrite = writing.length > 0;
  const anyHotadd = writing.some((d) => d.transport === 'hotadd');
  const anySan = writing.some((d) => d.transport === 'san');
  const encrypted = vmHomeEncrypted(s);
  const steps: DraftStep[] = [...nfcTimeoutSteps(disks.map((d) => d.transport))];

  // STEP-PREPARE-ACCESS: keeps Storage vMotion away while we write; EndAccess runs even after a failure.
  if (anyWrite) {
    steps.push({
      rule: 'STEP-PREPARE-ACCESS',
      phase: PHASE.prepareAccess,
      description:
        s.connection.kind === 'esxi'
          ? `PrepareForAccess for ${vm.name}: VDDK offers it through vCenter only, so on this standalone host the restore records that it was not available.`
          : `PrepareForAccess for ${vm.name} (blocks Storage vMotion during the restore).`,
    });
    steps.push({
      rule: 'STEP-PREPARE-ACCESS',
      phase: PHASE.endAccess,
      description: `EndAccess for ${vm.name}, also when the restore failed or was cancelled.`,
    });
  }

  if (fullVm) {
    // STEP-CONFIG-FROM-CONFIGINFO
    steps.push({
      rule: 'STEP-CONFIG-FROM-CONFIGINFO',
      phase: PHASE.configSpec,
      description: `Build the new VM's ConfigSpec from the saved ConfigInfo of ${vm.name} (never a copied .vmx).`,
    });
    steps.push({
      rule: 'STEP-CONFIG-FROM-CONFIGINFO',
      phase: PHASE.createVm,
      description: `Create ${vm.name} on datastore ${s.target.datastore.name} from the ConfigSpec.`,
    });
    if (vm.vtpm) {
      // VTPM-FIRMWARE, VTPM-RESTORE
      steps.push({
        rule: 'VTPM-FIRMWARE',
        phase: PHASE.firmware,
        description: `Set firmware to efi in the ConfigSpec${vm.firmware === 'bios' ? ' (the saved value says bios, which cannot carry a vTPM)' : ''}, before the vTPM device.`,
      });
      steps.push({ rule: 'VTPM-RESTORE', phase: PHASE.vtpmDevice, description: 'Add the saved vTPM device to the ConfigSpec.' });
    }
    if (encrypted && keysSaved(s)) {
      // CRYPT-KEYS-SAVED
      const policy =
        vm.storagePolicy !== null && s.target.storagePolicies.includes(vm.storagePolicy)
          ? vm.storagePolicy
          : DEFAULT_ENCRYPTION_POLICY;
      steps.push({
        rule: 'CRYPT-KEYS-SAVED',
        phase: PHASE.keys,
        description: `Put the saved keyId and encryption.bundle into the ConfigSpec, with storage policy "${policy}".`,
      });
    }
    // NVRAM: unusable without the original keys when the VM was encrypted; then a generic one is used.
    if (vm.nvramSaved && (!encrypted || keysSaved(s))) {
      const rule = vm.vtpm ? 'VTPM-RESTORE' : encrypted ? 'CRYPT-KEYS-SAVED' : 'STEP-CONFIG-FROM-CONFIGINFO';
      steps.push({
        rule,
        phase: PHASE.nvram,
        description: `Upload the saved NVRAM of ${vm.name} through the datastore file service (the VM exists now).`,
      });
    }
  }

  // STEP-CBT-OFF: full-disk writes must not be tracked, and SAN writes fail with tracking on.
  const cbtOn = s.options.cbtEnabledOnTarget;
  if (anyWrite && (cbtOn || anySan)) {
    steps.push({
      rule: 'STEP-CBT-OFF',
      phase: PHASE.cbtOff,
      description: cbtOn
        ? 'Turn change tracking off for the VM before writing.'
        : 'Keep change tracking off while writing (SAN writes require it; it is off now).',
    });
    if (cbtOn)
      steps.push({
        rule: 'STEP-CBT-OFF',
        phase: PHASE.cbtOn,
        description: 'Turn change tracking back on (it was on), so the next backup can be incremental after a new full.',
      });
  }

  for (const d of writing) {
    steps.push(...keepaliveStep(d, d.transport));
    steps.push(writeStep(d));
    // STEP-WINDOWS-SIGNATURE: HotAdd on a Windows guest can leave a different disk signature.
    if (d.transport === 'hotadd' && vm.guestFamily === 'windows') {
      steps.push({
        rule: 'STEP-WINDOWS-SIGNATURE',
        phase: PHASE.signature,
        disk: d.key,
        description: `Read the first sectors of ${d.label} over nbdssl; if the MBR signature or GPT disk GUID differs from the backup, rewrite it from the backup.`,
      });
    }
  }

  // STEP-HOTADD-CLEANUP
  if (anyHotadd) {
    steps.push({
      rule: 'STEP-HOTADD-CLEANUP',
      phase: PHASE.hotaddCleanup,
      description:
        'Run VDDK Cleanup to release hot-added disks before any snapshot is removed; do not delete the target VM while a disk is still attached to the proxy.',
    });
  }
  return steps;
}
