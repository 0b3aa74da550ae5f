import type { RestorePlanInput } from '../../../electron/api/contract';

export type WizardStep = 1 | 2 | 3 | 4 | 5;
export type TransportChoice = 'auto' | 'san' | 'hotadd' | 'nbdssl' | 'nbd';
export type EncryptionChoice = 'keep' | 'new-keys' | 'unencrypted';
export type DiskFormat = 'as-source' | 'thin' | 'thick-lazy' | 'thick-eager';
/** New VM; overwrite the original VM's disks; add the disks to another VM. */
export type RestoreMode = 'new-vm' | 'overwrite' | 'add-disks';

/** Everything the user chose in the wizard; the engine's restore request is made from it (nothing else is sent). */
export interface RestoreChoices {
  mode: RestoreMode;
  connection: string;
  datacenter: string;
  computeResource: string;
  host: string;
  resourcePool: string;
  vmFolder: string;
  datastore: string;
  name: string;
  /** Disks restores: the VM written into ('' = the original's name). */
  intoVm: string;
  transport: TransportChoice;
  diskFormats: Record<string, DiskFormat>;
  /** New VM: restore-point disk key → datastore ('' or absent: with the VM, on `datastore`). */
  diskDatastores: Record<string, string>;
  networkMap: Record<string, string>;
  powerOn: boolean;
  reason: string;
  storagePolicy: string;
  hardwareVersion: string;
  /** A point imported from an image (DATA-NO-CONFIGINFO): '' keeps the default the plan lists. */
  importedVm: { firmware: '' | 'bios' | 'efi'; guestId: string; controller: string };
  verify: boolean;
}

export const initialChoices: RestoreChoices = {
  mode: 'new-vm',
  connection: '',
  datacenter: '',
  computeResource: '',
  host: '',
  resourcePool: '',
  vmFolder: '',
  datastore: '',
  name: '',
  intoVm: '',
  transport: 'auto',
  diskFormats: {},
  diskDatastores: {},
  networkMap: {},
  powerOn: false,
  reason: '',
  storagePolicy: '',
  hardwareVersion: '',
  importedVm: { firmware: '', guestId: '', controller: '' },
  verify: true,
};

const optional = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

/** True once the request can be planned at all (the engine says the rest). */
export function plannable(c: RestoreChoices): boolean {
  return c.connection !== '' && c.datastore.trim() !== '' && (c.mode !== 'add-disks' || c.intoVm.trim() !== '');
}

/** The one restore request of the contract, from the wizard's choices (empty fields are left to the engine's defaults). */
export function requestOf(
  c: RestoreChoices,
  point: { repositoryId: string; pointId: string },
  encryption: { choice: EncryptionChoice; chosen: boolean },
): RestorePlanInput {
  const formats = Object.entries(c.diskFormats).filter(([, f]) => f !== 'as-source');
  const networks = Object.entries(c.networkMap).filter(([, t]) => t !== '');
  const placed = Object.entries(c.diskDatastores).filter(([, ds]) => ds !== '' && ds !== c.datastore.trim());
  const request: Record<string, unknown> = {
    repositoryId: point.repositoryId,
    point: point.pointId,
    connection: c.connection,
    datastore: c.datastore.trim(),
    host: optional(c.host),
    resourcePool: optional(c.resourcePool),
    vmFolder: optional(c.vmFolder),
    transport: c.transport,
    kind: c.mode === 'new-vm' ? 'full-vm' : 'disks',
    encryption: encryption.choice,
    encryptionChosen: encryption.chosen,
    verify: c.verify,
    powerOn: c.powerOn,
    storagePolicy: optional(c.storagePolicy),
    hardwareVersion: optional(c.hardwareVersion),
    reason: optional(c.reason),
  };
  if (c.mode === 'new-vm') request.name = optional(c.name);
  else request.intoVm = optional(c.intoVm);
  if (c.mode === 'add-disks') request.addAsNew = true;
  if (formats.length > 0) request.diskProvisioning = Object.fromEntries(formats);
  if (networks.length > 0) request.networkMap = Object.fromEntries(networks);
  if (c.mode === 'new-vm' && placed.length > 0) request.diskDatastores = Object.fromEntries(placed);
  const imported = Object.entries({ firmware: c.importedVm.firmware, guestId: c.importedVm.guestId.trim(), controller: c.importedVm.controller }).filter(([, v]) => v !== '');
  if (c.mode === 'new-vm' && imported.length > 0) request.importedVm = Object.fromEntries(imported);
  // Undefined fields are not sent: the engine's defaults apply and the request stays readable in logs and tests.
  return Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined)) as RestorePlanInput;
}
