import { z } from 'zod';

/**
 * Everything a restore can be told, in one place. The CLI, the wizard and the
 * browser host build this object; the restore service plans it and runs
 * exactly that plan. Saved in a job's checkpoint (names only, never a secret),
 * so `--resume` redoes the same request.
 */
const diskKey = z.string().regex(/^-?\d+$/, 'expected a disk key such as 2000');
const name = (max: number) => z.string().trim().min(1).max(max);

export const Transport = z.enum(['auto', 'san', 'hotadd', 'nbdssl', 'nbd']);
export const EncryptionChoice = z.enum(['keep', 'new-keys', 'unencrypted']);
/** Provisioning of a restored disk: as it was, or a chosen format (thick lazy = lazyzeroed, thick eager = eagerzeroed). */
export const DiskProvisioningChoice = z.enum(['as-source', 'thin', 'thick-lazy', 'thick-eager']);
/** Controller of a VM built from defaults (IDE is left out: two disks per channel do not fit an image's disks). */
export const ImportedVmController = z.enum(['pvscsi', 'lsilogic', 'lsisas', 'buslogic', 'sata', 'nvme']);

/** DATA-NO-CONFIGINFO: a point imported from an image is built from defaults; each field given replaces one default. */
export const ImportedVmChoices = z.strictObject({
  firmware: z.enum(['bios', 'efi']).optional(),
  /** A vSphere guest OS id, e.g. "ubuntu64Guest" (checked against the target host's guest list, DATA-HW-VERSION). */
  guestId: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'expected a vSphere guest OS id such as "ubuntu64Guest"').optional(),
  controller: ImportedVmController.optional(),
});
export type ImportedVmChoices = z.output<typeof ImportedVmChoices>;

export const RestoreRequestFields = {
  /** Restore point id (or a unique prefix) in the repository. */
  point: name(200),
  /** Saved connection of the target vCenter or ESXi host. */
  connection: name(100),
  /** Target datastore (the VM's home and its disks). */
  datastore: name(200),
  /** Target ESXi host; default: a connected host that reaches the datastore. */
  host: name(200).optional(),
  /** Resource pool (by name) the new VM goes into; default: the host's. */
  resourcePool: name(200).optional(),
  /** VM folder (by name) the new VM goes into; default: the datacenter's VM folder. */
  vmFolder: name(200).optional(),
  /** Name of the new VM; default "<original>-restored". */
  name: name(80).optional(),
  transport: Transport.default('auto'),
  kind: z.enum(['full-vm', 'disks']).default('full-vm'),
  /** Disks restore: the existing VM (by name) written into; default: the original's name. */
  intoVm: name(80).optional(),
  /** Disks restore: add the disks as new disks instead of overwriting. */
  addAsNew: z.boolean().default(false),
  /** Disks restore: power the running target VM off first (DATA-TARGET-POWERED-ON's explicit step). */
  powerOffTarget: z.boolean().default(false),
  /** Disks restore: restore-point disk key → target disk key (DATA-DISK-MAP). */
  diskMap: z.record(diskKey, z.number().int()).default({}),
  /** Per restore-point disk key ("*": every disk not named): the restored disk's provisioning. */
  diskProvisioning: z.record(z.union([diskKey, z.literal('*')]), DiskProvisioningChoice).default({}),
  /** Full-VM restore: restore-point disk key ("*": every disk not named) → the datastore its file goes to; default: `datastore`. */
  diskDatastores: z.record(z.union([diskKey, z.literal('*')]), name(200)).default({}),
  /** Source network → target network (DATA-NETWORK-MAP). */
  networkMap: z.record(name(200), name(200)).default({}),
  /** STEP-POWER-ON: power the VM on after the restore. */
  powerOn: z.boolean().default(false),
  /** CRYPT-* fallbacks: only ever the user's explicit choice. */
  encryption: EncryptionChoice.default('keep'),
  /** True when the user chose the encryption option (front doors must ask when the keys cannot be used). */
  encryptionChosen: z.boolean().default(false),
  /** Encryption storage policy (CRYPT-POLICY-MISSING). */
  storagePolicy: name(200).optional(),
  /** A lower hardware version (DATA-HW-VERSION), e.g. "vmx-19". */
  hardwareVersion: z.string().regex(/^vmx-\d+$/, 'expected a hardware version like "vmx-19"').optional(),
  /** Only for a point imported from an image (DATA-NO-CONFIGINFO): firmware, guest OS or controller instead of the defaults. */
  importedVm: ImportedVmChoices.optional(),
  /** Read every disk back after writing. */
  verify: z.boolean().default(true),
  /** Free text for the audit trail (report). */
  reason: z.string().trim().max(500).optional(),
};

/** The restore request as the engine receives it: the repository by its folder. */
export const RestoreRequest = z.strictObject({
  /** Repository folder. */
  repo: z.string().min(1).max(4096),
  ...RestoreRequestFields,
});
export type RestoreRequest = z.output<typeof RestoreRequest>;
export type RestoreRequestInput = z.input<typeof RestoreRequest>;

/** The same request from the UI: the repository by the id of a repository opened in this session. */
export const RestoreRequestByRepositoryId = z.strictObject({
  repositoryId: name(200),
  ...RestoreRequestFields,
});
export type RestoreRequestByRepositoryId = z.output<typeof RestoreRequestByRepositoryId>;
