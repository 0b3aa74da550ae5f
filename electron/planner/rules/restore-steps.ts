import type { DiskPlan } from '../plan-types';
import type { Scenario } from '../scenario-schema';
import { keysSaved, restoredStoragePolicy, vmHomeEncrypted } from './crypto-vtpm-rules';
import { diskDatastoreName } from './disk-datastores';
import { formatBytes } from './exclusion';
import { keepaliveStep, nfcTimeoutSteps } from './nfc-rules';
import { importedVmInForce, importedVmText } from './imported-vm';
import { restoredHardwareVersion, restoredVmName } from './request-rules';
import { PHASE, type DraftStep } from './step-draft';

type DiskFacts = Pick<
  DiskPlan,
  'key' | 'label' | 'transport' | 'ioBytes' | 'inFlight' | 'unbuffered' | 'bytesToWrite' | 'restoredProvisioning' | 'targetDisk'
>;

function writeStep(s: Scenario, d: DiskFacts): DraftStep {
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
      `Write ${d.label} (${d.restoredProvisioning})${intoWhat(s, d)} over ${d.transport}: copy ${formatBytes(d.bytesToWrite)} of allocated extents, skip zeros, ` +
      `${how}${formatBytes(d.ioBytes)} requests, ${d.inFlight} in flight, 512-byte aligned buffers; flush, ${s.options.verify ? 'read back and compare, ' : 'no read-back (verification turned off), '}close.`,
  };
}

/** Where a disks restore writes a disk: " into app01's disk 2001" or " as a new disk of app01". */
function intoWhat(s: Scenario, d: DiskFacts): string {
  if (s.options.restoreKind !== 'disks') return '';
  const vm = s.options.intoVm?.name ?? s.restorePoint.vm.name;
  if (s.options.addAsNew) return ` as a new disk of ${vm}`;
  return ` into ${vm}'s disk ${d.targetDisk ?? d.key}`;
}

/** ", its disk Hard disk 2 on datastore lab-nfs": the disks not on the VM's datastore (options.diskDatastores), or "". */
function elsewhere(s: Scenario): string {
  const moved = s.restorePoint.disks.filter((d) => diskDatastoreName(s, d) !== s.target.datastore.name);
  if (moved.length === 0) return '';
  return `, its ${moved.map((d) => `disk ${d.label} on datastore ${diskDatastoreName(s, d)}`).join(', ')}`;
}

/** STEP-CONFIG-FROM-CONFIGINFO (or DATA-NO-CONFIGINFO defaults), VTPM-*, CRYPT-*: building and creating the new VM. */
function newVmSteps(s: Scenario): DraftStep[] {
  const vm = s.restorePoint.vm;
  const name = restoredVmName(s);
  const choice = s.options.encryption;
  const encrypted = vmHomeEncrypted(s);
  const steps: DraftStep[] = [];
  const version = restoredHardwareVersion(s);
  const versionText = version !== null && version !== vm.hardwareVersion ? ` with hardware version ${version} (saved: ${vm.hardwareVersion ?? 'unknown'})` : '';
  if (vm.configInfoSaved) {
    steps.push({
      rule: 'STEP-CONFIG-FROM-CONFIGINFO',
      phase: PHASE.configSpec,
      description: `Build the ConfigSpec of ${name} from the saved ConfigInfo of ${vm.name} (never a copied .vmx)${versionText}.`,
    });
  } else {
    steps.push({
      rule: 'DATA-NO-CONFIGINFO',
      phase: PHASE.configSpec,
      description: `Build the ConfigSpec of ${name} from defaults (no ConfigInfo was saved): ${importedVmText(importedVmInForce(s)!)}${versionText}.`,
    });
  }
  steps.push({
    rule: 'STEP-CONFIG-FROM-CONFIGINFO',
    phase: PHASE.createVm,
    description: `Create ${name} on datastore ${s.target.datastore.name} from the ConfigSpec${elsewhere(s)}.`,
  });
  if (vm.vtpm && choice !== 'unencrypted') {
    // VTPM-FIRMWARE, VTPM-RESTORE
    steps.push({
      rule: 'VTPM-FIRMWARE',
      phase: PHASE.firmware,
      description: `Set firmware to efi in the ConfigSpec${vm.firmware === 'bios' ? ' (the saved value says bios, which cannot carry a vTPM)' : ''}, before the vTPM device.`,
    });
    steps.push({ rule: 'VTPM-RESTORE', phase: PHASE.vtpmDevice, description: 'Add the saved vTPM device (with its endorsement-key certificates) to the ConfigSpec.' });
  }
  if (encrypted && choice === 'keep' && keysSaved(s)) {
    // CRYPT-KEYS-SAVED
    steps.push({
      rule: 'CRYPT-KEYS-SAVED',
      phase: PHASE.keys,
      description: `Put the saved keyId and encryption.bundle into the ConfigSpec, with storage policy "${restoredStoragePolicy(s)}".`,
    });
  } else if (encrypted && choice === 'new-keys') {
    // CRYPT-KEYS-MISSING: its documented choice, new keys from the target's key provider.
    steps.push({
      rule: 'CRYPT-KEYS-MISSING',
      phase: PHASE.keys,
      description: `Encrypt ${name} with a new key from key provider ${s.target.keyProviders[0] ?? '(none)'}, with storage policy "${restoredStoragePolicy(s)}".`,
    });
  }
  // NVRAM: sealed by the original keys when the VM was encrypted, so only uploaded when those keys are kept.
  if (vm.nvramSaved && (!encrypted || (choice === 'keep' && keysSaved(s)))) {
    const rule = vm.vtpm ? 'VTPM-RESTORE' : encrypted ? 'CRYPT-KEYS-SAVED' : 'STEP-CONFIG-FROM-CONFIGINFO';
    steps.push({
      rule,
      phase: PHASE.nvram,
      description: `Upload the saved NVRAM of ${vm.name} to ${name} through the datastore file service (the VM exists now).`,
    });
  }
  return steps;
}

/** The automatic steps of a restore, ordered and numbered. */
export function restoreSteps(s: Scenario, disks: readonly DiskFacts[]): DraftStep[] {
  const vm = s.restorePoint.vm;
  const fullVm = s.options.restoreKind === 'full-vm';
  const writing = disks.filter((d) => d.transport !== null);
  const anyWrite = writing.length > 0;
  const anyHotadd = writing.some((d) => d.transport === 'hotadd');
  const anySan = writing.some((d) => d.transport === 'san');
  // The VM the restore writes: the new one, or the existing one a disks restore goes into.
  const target = fullVm ? restoredVmName(s) : (s.options.intoVm?.name ?? vm.name);
  const steps: DraftStep[] = [...nfcTimeoutSteps(disks.map((d) => d.transport))];

  // STEP-PREPARE-ACCESS: keeps Storage vMotion away while we write; EndAccess runs even after a failure.
  if (anyWrite) {
    steps.push({
      rule: 'STEP-PREPARE-ACCESS',
      phase: PHASE.prepareAccess,
      description:
        s.connection.kind === 'esxi'
          ? `PrepareForAccess for ${target}: VDDK offers it through vCenter only, so on this standalone host the restore records that it was not available.`
          : `PrepareForAccess for ${target} (blocks Storage vMotion during the restore).`,
    });
    steps.push({
      rule: 'STEP-PREPARE-ACCESS',
      phase: PHASE.endAccess,
      description: `EndAccess for ${target}, also when the restore failed or was cancelled.`,
    });
  }

  if (fullVm) steps.push(...newVmSteps(s));
  // DATA-TARGET-POWERED-ON: checked again right before anything changes; powered off only when the user chose it.
  if (!fullVm && anyWrite) {
    steps.push({
      rule: 'DATA-TARGET-POWERED-ON',
      phase: PHASE.powerCheck,
      description: s.options.powerOffTarget
        ? `Power off ${target}, as chosen, before anything is written (a running VM holds its disks).`
        : `Check that ${target} is powered off before anything is written; stop without a change if it is running.`,
    });
  }
  // DATA-DISK-MAP: disks added to an existing VM instead of overwriting its own.
  if (!fullVm && s.options.addAsNew && anyWrite) {
    steps.push({
      rule: 'DATA-DISK-MAP',
      phase: PHASE.createVm,
      description: `Add ${writing.length} new disk${writing.length === 1 ? '' : 's'} to ${target} on datastore ${s.target.datastore.name} for the restore point's disks (its own disks stay as they are).`,
    });
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
    steps.push(writeStep(s, d));
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

  // XPORT-SAN-RESTORE-SNAPSHOT: VMware's SAN restore sequence; the revert also runs after a failure.
  if (anySan) {
    steps.push({
      rule: 'XPORT-SAN-RESTORE-SNAPSHOT',
      phase: PHASE.sanSnapshot,
      description: `Take a restore snapshot of ${target} before the SAN writes.`,
    });
    steps.push({
      rule: 'XPORT-SAN-RESTORE-SNAPSHOT',
      phase: PHASE.sanRevert,
      description: `Revert ${target} to the restore snapshot and delete it, also when the restore failed or was cancelled.`,
    });
  }

  // STEP-POWER-ON
  if (s.options.powerOn && anyWrite) {
    steps.push({ rule: 'STEP-POWER-ON', phase: PHASE.powerOn, description: `Power on ${target}, as asked, once its disks are written and verified.` });
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
