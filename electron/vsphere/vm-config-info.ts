import { retrieveOne } from './property-collector';
import type { VimSession } from './vim-session';
import { asArray, asBoolean, asNumber, asObject, asString, type MoRef, type VimObject, type VimValue } from './vim-types';

export type DiskProvisioning = 'thin' | 'lazyZeroed' | 'eagerZeroed';

export interface SavedController {
  key: number;
  /** vim25 device type: ParaVirtualSCSIController, VirtualLsiLogicSASController, VirtualAHCIController, VirtualNVMEController, VirtualIDEController… */
  deviceType: string;
  busNumber: number;
  /** SCSI bus sharing (noSharing, virtualSharing, physicalSharing). */
  sharedBus?: string;
}

export interface SavedDisk {
  key: number;
  controllerKey: number;
  unitNumber: number;
  capacityBytes: number;
  /** `[datastore] folder/name.vmdk` of the source disk. */
  fileName: string;
  provisioning: DiskProvisioning;
  /** persistent, independent_persistent, independent_nonpersistent, … */
  diskMode: string;
  label: string;
  encrypted: boolean;
}

export interface SavedNic {
  key: number;
  deviceType: string;
  /** Source network name (standard port group) or port group key (distributed). */
  sourceNetwork: string;
  macAddress?: string;
  addressType?: string;
  startConnected: boolean;
}

/** A saved VirtualTPM device: what a restore hands back to vSphere (VTPM-RESTORE). */
export interface SavedVtpm {
  /** DER certificates (base64) of the vTPM's endorsement keys, as vSphere reported them. */
  endorsementKeyCertificate: string[];
  endorsementKeyCertificateSigningRequest: string[];
}

export interface SavedCryptoKey {
  keyId: string;
  providerId: string;
}

/** The ConfigInfo facts a restore needs, read from the saved (raw) ConfigInfo. */
export interface SavedVmConfig {
  name: string;
  guestId: string;
  hardwareVersion?: string;
  uuid?: string;
  vmPathName?: string;
  numCPUs: number;
  numCoresPerSocket?: number;
  memoryMB: number;
  firmware: 'bios' | 'efi' | string;
  efiSecureBoot: boolean;
  extraConfig: Array<{ key: string; value: string | number | boolean }>;
  keyId?: SavedCryptoKey;
  changeTrackingEnabled: boolean;
  controllers: SavedController[];
  disks: SavedDisk[];
  nics: SavedNic[];
  hasVtpm: boolean;
  vtpm?: SavedVtpm;
}

const CONTROLLER_TYPES = /Controller$/;
const NIC_TYPES = new Set(['VirtualVmxnet3', 'VirtualVmxnet2', 'VirtualVmxnet', 'VirtualE1000', 'VirtualE1000e', 'VirtualPCNet32', 'VirtualSriovEthernetCard', 'VirtualVmxnet3Vrdma']);
// Controllers every new VM already has; re-creating them would clash.
const BUILT_IN_CONTROLLERS = new Set(['VirtualIDEController', 'VirtualPCIController', 'VirtualPS2Controller', 'VirtualSIOController', 'VirtualUSBController', 'VirtualUSBXHCIController']);

export function isBuiltInController(deviceType: string): boolean {
  return BUILT_IN_CONTROLLERS.has(deviceType);
}

function readCryptoKey(v: VimValue): SavedCryptoKey | undefined {
  const o = asObject(v);
  const keyId = asString(o?.keyId);
  if (!o || !keyId) return undefined;
  return { keyId, providerId: asString(asObject(o.providerId)?.id) ?? '' };
}

function provisioningOf(backing: VimObject): DiskProvisioning {
  if (asBoolean(backing.thinProvisioned)) return 'thin';
  if (asBoolean(backing.eagerlyScrub)) return 'eagerZeroed';
  return 'lazyZeroed';
}

/** Reads a raw VirtualMachineConfigInfo (as fetched and saved in a restore point) into typed facts. */
export function readVmConfig(raw: VimObject): SavedVmConfig {
  const hardware = asObject(raw.hardware) ?? {};
  const files = asObject(raw.files) ?? {};
  const boot = asObject(raw.bootOptions) ?? {};
  const devices = asArray(hardware.device as VimObject[] | VimObject | undefined).map((d) => asObject(d) ?? {});
  const controllers: SavedController[] = [];
  const disks: SavedDisk[] = [];
  const nics: SavedNic[] = [];
  let hasVtpm = false;
  let vtpm: SavedVtpm | undefined;
  for (const d of devices) {
    const type = d.$type ?? '';
    const key = asNumber(d.key) ?? 0;
    const backing = asObject(d.backing) ?? {};
    if (type === 'VirtualTPM') {
      hasVtpm = true;
      const texts = (v: VimValue) => asArray(v as VimValue[] | VimValue).flatMap((x) => (asString(x) ? [asString(x) as string] : []));
      vtpm = { endorsementKeyCertificate: texts(d.endorsementKeyCertificate), endorsementKeyCertificateSigningRequest: texts(d.endorsementKeyCertificateSigningRequest) };
    }
    else if (CONTROLLER_TYPES.test(type)) {
      controllers.push({ key, deviceType: type, busNumber: asNumber(d.busNumber) ?? 0, sharedBus: asString(d.sharedBus) });
    } else if (type === 'VirtualDisk') {
      const kb = asNumber(d.capacityInKB) ?? 0;
      disks.push({
        key,
        controllerKey: asNumber(d.controllerKey) ?? 0,
        unitNumber: asNumber(d.unitNumber) ?? 0,
        capacityBytes: asNumber(d.capacityInBytes) ?? kb * 1024,
        fileName: asString(backing.fileName) ?? '',
        provisioning: provisioningOf(backing),
        diskMode: asString(backing.diskMode) ?? 'persistent',
        label: asString(asObject(d.deviceInfo)?.label) ?? `Hard disk ${disks.length + 1}`,
        encrypted: readCryptoKey(backing.keyId) !== undefined,
      });
    } else if (NIC_TYPES.has(type)) {
      const port = asObject(backing.port);
      nics.push({
        key,
        deviceType: type,
        sourceNetwork: asString(backing.deviceName) ?? asString(port?.portgroupKey) ?? asString(asObject(backing.opaqueNetworkId)) ?? '',
        macAddress: asString(d.macAddress),
        addressType: asString(d.addressType),
        startConnected: asBoolean(asObject(d.connectable)?.startConnected) ?? true,
      });
    }
  }
  return {
    name: asString(raw.name) ?? '',
    guestId: asString(raw.guestId) ?? 'otherGuest64',
    hardwareVersion: asString(raw.version),
    uuid: asString(raw.uuid),
    vmPathName: asString(files.vmPathName),
    numCPUs: asNumber(hardware.numCPU) ?? 1,
    numCoresPerSocket: asNumber(hardware.numCoresPerSocket),
    memoryMB: asNumber(hardware.memoryMB) ?? 1024,
    firmware: asString(raw.firmware) ?? 'bios',
    efiSecureBoot: asBoolean(boot.efiSecureBootEnabled) ?? false,
    extraConfig: asArray(raw.extraConfig as VimObject[] | VimObject | undefined).flatMap((o) => {
      const key = asString(o.key);
      const v = o.value;
      if (!key || v === undefined || v === null || typeof v === 'object') return [];
      return [{ key, value: v }];
    }),
    keyId: readCryptoKey(raw.keyId),
    changeTrackingEnabled: asBoolean(raw.changeTrackingEnabled) ?? false,
    controllers,
    disks,
    nics,
    hasVtpm,
    vtpm,
  };
}

/** Fetches a VM's full ConfigInfo (raw, to save in a restore point) and its typed reading. */
export async function fetchVmConfigInfo(session: VimSession, vm: MoRef): Promise<{ raw: VimObject; config: SavedVmConfig }> {
  const found = await retrieveOne(session, vm, ['config']);
  const raw = asObject(found?.props.config);
  if (!raw) throw new Error(`The configuration of ${vm.value} could not be read (is it a template being deployed or an inaccessible VM?).`);
  return { raw, config: readVmConfig(raw) };
}
