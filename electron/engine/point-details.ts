import type { PointDetails } from '../api/schemas/point-details-schema';
import type { RestorePointManifest } from '../repository/restore-point-manifest';

/** A restore point's manifest as the wizard's badges and disk sizes need it (no key material leaves the engine). */
export function pointDetailsOf(m: RestorePointManifest): PointDetails {
  return {
    id: m.id,
    vm: m.vm.name,
    createdAt: m.createdAt,
    firmware: m.firmware,
    vtpm: m.vtpm !== null,
    encrypted: m.keyId !== null,
    cbt: m.disks.length > 0 && m.disks.every((d) => d.changeId !== null),
    disks: m.disks.map((d) => ({ key: d.key, label: d.label, capacityBytes: d.capacity, allocatedBytes: d.allocatedBytes, provisioning: d.provisioning })),
  };
}
