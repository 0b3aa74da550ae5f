import { defaultGuestId, guestFamilyOf } from '../planner/rules/guest-os';
import type { ImportedVmChoices } from '../api/schemas/restore-request';
import type { RestorePointManifest } from '../repository/restore-point-manifest';
import type { SavedController, SavedDisk, SavedVmConfig } from '../vsphere/vm-config-info';

/** A point made by `lifeboat import` from an image: no ConfigInfo was saved, only what the image said (DATA-NO-CONFIGINFO). */
export function isImportedPoint(point: RestorePointManifest): boolean {
  return Boolean((point.configInfo as { lifeboatImport?: unknown } | null)?.lifeboatImport);
}

const KNOWN_CONTROLLERS = /^(ParaVirtualSCSIController|VirtualLsiLogicController|VirtualLsiLogicSASController|VirtualBusLogicController|VirtualAHCIController|VirtualNVMEController|VirtualIDEController)$/;
/** A new VM's built-in IDE controllers have these device keys. */
const IDE_KEY_BASE = 200;

/** The device type of each controller the user can choose for a VM built from defaults. */
const CHOSEN_CONTROLLER_TYPES: Record<NonNullable<ImportedVmChoices['controller']>, string> = {
  pvscsi: 'ParaVirtualSCSIController',
  lsilogic: 'VirtualLsiLogicController',
  lsisas: 'VirtualLsiLogicSASController',
  buslogic: 'VirtualBusLogicController',
  sata: 'VirtualAHCIController',
  nvme: 'VirtualNVMEController',
};

/**
 * DATA-NO-CONFIGINFO: the VM an imported point is restored as, from stated
 * defaults the plan lists: the image's firmware and guest OS where it said
 * them (else a generic guest of its family), its disks on their controllers
 * (a paravirtual SCSI controller where the image named none), no network card.
 * What the user chose (`choices`) replaces the matching default, as in the plan.
 */
export function defaultVmConfig(point: RestorePointManifest, choices: ImportedVmChoices = {}): SavedVmConfig {
  const info = (point.configInfo ?? {}) as { name?: unknown; guestId?: unknown; hardware?: { numCPU?: unknown; memoryMB?: unknown } };
  const guestId = choices.guestId ?? (typeof info.guestId === 'string' && info.guestId !== '' ? info.guestId : defaultGuestId(guestFamilyOf('')));
  const controllers = new Map<string, SavedController>();
  const disks: SavedDisk[] = point.disks.map((d) => {
    const deviceType = choices.controller
      ? CHOSEN_CONTROLLER_TYPES[choices.controller]
      : KNOWN_CONTROLLERS.test(d.controller.type)
        ? d.controller.type
        : 'ParaVirtualSCSIController';
    const id = `${deviceType}/${d.controller.busNumber}`;
    if (!controllers.has(id)) {
      const key = deviceType === 'VirtualIDEController' ? IDE_KEY_BASE + d.controller.busNumber : 1000 + controllers.size;
      controllers.set(id, { key, deviceType, busNumber: d.controller.busNumber });
    }
    return {
      key: d.key,
      controllerKey: controllers.get(id)!.key,
      unitNumber: d.controller.unitNumber,
      capacityBytes: d.capacity,
      fileName: '',
      provisioning: d.provisioning === 'eagerzeroed' ? 'eagerZeroed' : d.provisioning === 'lazyzeroed' ? 'lazyZeroed' : 'thin',
      diskMode: 'persistent',
      label: d.label,
      encrypted: false,
    };
  });
  return {
    name: typeof info.name === 'string' ? info.name : point.vm.name,
    guestId,
    numCPUs: typeof info.hardware?.numCPU === 'number' ? info.hardware.numCPU : 2,
    memoryMB: typeof info.hardware?.memoryMB === 'number' ? info.hardware.memoryMB : 4096,
    firmware: choices.firmware ?? point.firmware ?? 'bios',
    efiSecureBoot: false,
    extraConfig: [],
    changeTrackingEnabled: false,
    controllers: [...controllers.values()],
    disks,
    nics: [],
    hasVtpm: false,
  };
}
