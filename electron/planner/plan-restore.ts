import { collectRules, numberSteps, sortFindings } from './plan-order';
import type { DiskPlan, Plan } from './plan-types';
import type { RuleId } from './rule-catalogue';
import { connectionFindings } from './rules/connection-rules';
import { cryptoFindings, restoredStoragePolicy, vmHomeEncrypted } from './rules/crypto-vtpm-rules';
import { diskTargets, intoVmFindings, overwritesExistingDisks } from './rules/into-vm-rules';
import { networkMappings, newVmFindings, restoredHardwareVersion, restoredVmName } from './rules/request-rules';
import { bytesToWrite, dataFindings, restoredProvisioning } from './rules/data-rules';
import { restoreSteps } from './rules/restore-steps';
import { diskDatastoreName } from './rules/disk-datastores';
import { importedVmInForce, withImportedVmChoices } from './rules/imported-vm';
import { estimateTime } from './rules/time-estimate';
import { chooseTransports } from './rules/transport-choice';
import { controllerOrderFindings, diskIoShape, streamsPerHost } from './rules/transport-effects';
import type { Scenario } from './scenario-schema';

/**
 * Plans a restore from facts. Pure: no I/O, no clock, no randomness; the same
 * scenario always gives the same plan (the CLI, the wizards and the live
 * planner all rely on that). `ok` is false exactly when a finding is a block.
 */
export function planRestore(facts: Scenario): Plan {
  // DATA-NO-CONFIGINFO: an imported point is judged as the VM the run builds (the user's choices in force).
  const s = withImportedVmChoices(facts);
  const choice = chooseTransports(s);
  const diskOrder = s.restorePoint.disks.map((d) => d.key);
  const intoVm = s.options.intoVm;
  const targets = intoVm !== null && overwritesExistingDisks(s) ? diskTargets(s, intoVm) : null;

  const disks: DiskPlan[] = s.restorePoint.disks.map((disk, i) => {
    const c = choice.disks[i]!;
    const io = diskIoShape(c.transport);
    return {
      key: disk.key,
      label: disk.label,
      datastore: diskDatastoreName(s, disk),
      transport: c.transport,
      excluded: c.excluded,
      ioBytes: io.ioBytes,
      inFlight: io.inFlight,
      unbuffered: io.unbuffered,
      bufferAlignment: io.bufferAlignment,
      chosenBy: c.chosenBy,
      why: c.why,
      restoredProvisioning: restoredProvisioning(disk),
      bytesToWrite: bytesToWrite(disk),
      // DATA-THIN-FIRST-WRITE
      firstWriteAllocates: restoredProvisioning(disk) === 'thin',
      effects: io.effects,
      ...(targets ? { targetDisk: targets[i]!.targetKey } : {}),
    };
  });
  const transports = disks.map((d) => d.transport);
  const streams = streamsPerHost(s, transports);

  const findings = sortFindings(
    [
      ...connectionFindings(s.connection, s.target.host.managementServerIp, 'restore'),
      ...choice.findings,
      ...controllerOrderFindings(s, transports),
      ...streams.findings,
      ...dataFindings(s),
      ...cryptoFindings(s),
      ...newVmFindings(s),
      ...intoVmFindings(s),
    ],
    diskOrder,
  );
  const steps = numberSteps(restoreSteps(s, disks), diskOrder);
  const excludedRules = disks.flatMap((d) => Object.values(d.excluded).flat() as RuleId[]);

  const fullVm = s.options.restoreKind === 'full-vm';
  const encrypted = fullVm && vmHomeEncrypted(s) && s.options.encryption !== 'unencrypted';
  return {
    ok: !findings.some((f) => f.severity === 'block'),
    vm: s.restorePoint.vm.name,
    vmName: fullVm ? restoredVmName(s) : (intoVm?.name ?? s.restorePoint.vm.name),
    estimate: estimateTime(disks, streams.streams, s.options.verify),
    verify: s.options.verify,
    powerOn: s.options.powerOn,
    encryption: s.options.encryption,
    // A standalone ESXi host has no storage policies (no PBM): nothing is applied there.
    storagePolicy: encrypted && s.connection.kind !== 'esxi' ? restoredStoragePolicy(s) : null,
    hardwareVersion: fullVm ? restoredHardwareVersion(s) : null,
    importedVm: fullVm ? importedVmValues(s) : null,
    networks: fullVm ? networkMappings(s) : [],
    restoreKind: s.options.restoreKind,
    transportOption: s.options.transport,
    disks,
    findings,
    steps,
    streamsPerHost: streams.streams,
    rulesApplied: collectRules({ findings, steps, more: [...excludedRules, ...disks.flatMap((d) => d.effects)] }),
  };
}

/** DATA-NO-CONFIGINFO: the firmware, guest OS and controller the VM is built with (null: built from saved ConfigInfo). */
function importedVmValues(s: Scenario): Plan['importedVm'] {
  const d = importedVmInForce(s);
  return d ? { firmware: d.firmware, guestId: d.guestId, controller: d.controller, chosen: d.chosen } : null;
}
