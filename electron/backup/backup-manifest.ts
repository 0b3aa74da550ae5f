import type { DiskMeta, PointMeta } from '../repository/restore-point-manifest';
import { isIndependent, type SavedPolicy } from './backup-source-port';
import { parseDatastorePath } from '../vsphere/datastore-files';
import type { SavedDisk, SavedVmConfig } from '../vsphere/vm-config-info';
import { asArray, asObject, asString, type MoRef, type VimObject } from '../vsphere/vim-types';

/** Storage policies as saved: the VM home's and each disk's policy ids. */
export type SavedStoragePolicy = SavedPolicy;

const PROVISIONING: Record<SavedDisk['provisioning'], DiskMeta['provisioning']> = {
  thin: 'thin',
  lazyZeroed: 'lazyzeroed',
  eagerZeroed: 'eagerzeroed',
};

/** The VirtualTPM device of a raw ConfigInfo, or null. */
export function vtpmDevice(raw: VimObject): VimObject | null {
  const devices = asArray(asObject(raw.hardware)?.device as VimObject[] | VimObject | undefined);
  return devices.find((d) => d.$type === 'VirtualTPM') ?? null;
}

/**
 * BACKUP-SAVE-CONFIG: the point-level fields from the VM's ConfigInfo
 * (ConfigInfo itself, firmware, vTPM device, keyId, encryption.bundle,
 * storage policy) and BACKUP-SKIP-INDEPENDENT (skipped disks).
 */
export function pointMetaFromConfig(input: {
  raw: VimObject;
  config: SavedVmConfig;
  vm: MoRef;
  server: string;
  storagePolicy: SavedStoragePolicy | null;
  kind: PointMeta['kind'];
  parentPointId: string | null;
}): PointMeta {
  const { raw, config } = input;
  const bundle = config.extraConfig.find((o) => o.key === 'encryption.bundle')?.value;
  const keyId = asObject(raw.keyId);
  const firmware = config.firmware === 'efi' || config.firmware === 'bios' ? config.firmware : null;
  return {
    vm: {
      name: config.name,
      instanceUuid: asString(raw.instanceUuid) ?? config.uuid ?? '',
      moref: input.vm.value,
      sourceServer: input.server,
    },
    configInfo: JSON.parse(JSON.stringify(raw)) as Record<string, unknown>,
    firmware,
    vtpm: vtpmDevice(raw) as Record<string, unknown> | null,
    keyId: keyId ? (keyId as Record<string, unknown>) : null,
    encryptionBundle: typeof bundle === 'string' && bundle ? bundle : null,
    storagePolicy: input.storagePolicy ? { ...input.storagePolicy } : null,
    skippedIndependentDisks: config.disks
      .filter(isIndependent)
      .map((d) => ({ key: d.key, label: d.label, diskMode: d.diskMode, fileName: d.fileName })),
    kind: input.kind,
    parentPointId: input.parentPointId,
  };
}

/** One disk's manifest fields: where it sits (controller, bus, unit), size, provisioning, datastore, change id. */
export function diskMetaFromConfig(
  disk: SavedDisk,
  config: SavedVmConfig,
  datastoreTypes: ReadonlyMap<string, string>,
  changeId: string | null,
): DiskMeta {
  const controller = config.controllers.find((c) => c.key === disk.controllerKey);
  const datastore = disk.fileName ? parseDatastorePath(disk.fileName).datastore : '';
  return {
    key: disk.key,
    label: disk.label,
    controller: {
      type: controller?.deviceType ?? 'unknown',
      busNumber: controller?.busNumber ?? 0,
      unitNumber: disk.unitNumber,
    },
    capacity: disk.capacityBytes,
    provisioning: PROVISIONING[disk.provisioning],
    diskMode: disk.diskMode,
    datastore: { name: datastore, type: datastoreTypes.get(datastore) ?? 'unknown' },
    allocationMapSaved: true,
    changeId,
    fileName: disk.fileName,
  };
}
