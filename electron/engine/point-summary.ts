import type { PointSummary } from '../api/schemas/repository-view-schema';
import type { RestorePointManifest } from '../repository/restore-point-manifest';

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The saved ConfigInfo summed up for the Repositories page; no key material (the encryption bundle stays in the engine). */
export function pointSummaryOf(m: RestorePointManifest): PointSummary {
  const config = m.configInfo;
  const hardware = (config.hardware ?? {}) as Record<string, unknown>;
  return {
    id: m.id,
    vm: m.vm.name,
    createdAt: m.createdAt,
    kind: m.kind,
    sourceServer: m.vm.sourceServer,
    guest: text(config.guestFullName) ?? text(config.guestId),
    cpus: count(hardware.numCPU),
    memoryMb: count(hardware.memoryMB),
    hardwareVersion: text(config.version),
    firmware: m.firmware,
    vtpm: m.vtpm !== null,
    encrypted: m.keyId !== null,
    nvram: m.nvram ? { fileName: m.nvram.fileName, size: m.nvram.size } : null,
    storagePolicy: m.storagePolicy ? text(m.storagePolicy.name) : null,
    disks: m.disks.map((d) => ({
      key: d.key,
      label: d.label,
      capacityBytes: d.capacity,
      allocatedBytes: d.allocatedBytes,
      provisioning: d.provisioning,
      controller: `${d.controller.type} ${d.controller.busNumber}:${d.controller.unitNumber}`,
      datastore: d.datastore.name,
    })),
    skippedDisks: m.skippedIndependentDisks.map((s) => `${s.label} (${s.diskMode}, not in any backup)`),
  };
}
