import { z } from 'zod';

/**
 * The what-if scenario (plan-scenario.md): exactly the facts the planner needs.
 * Every object is strict so that a misspelt field is an error naming it, never a
 * silently different plan. Omitted optional fields take the contract's defaults;
 * objects default through `prefault` so their inner defaults apply too.
 *
 * Fields without a default (they identify what is restored, so no value could be
 * right by accident): `restorePoint.disks` (at least one), and per disk `key` and
 * `capacityBytes`. A disk's `allocatedBytes` defaults to its capacity (treat an
 * unknown allocation as fully allocated, so space checks err on the safe side);
 * its `label` defaults to "Disk <key>".
 *
 * Meanings the contract leaves open, decided here:
 * - `restoreKind: "disks"` writes the chosen disks as new disks of an existing
 *   target VM (space rules apply; VM-creation, key and vTPM rules do not).
 * - `cbtEnabledOnTarget` for a full-VM restore: the restored VM should end with
 *   change tracking on (it is created without it and turned on after the writes).
 * - Extensions: `connection.thumbprintChanged`, `connection.keychainAvailable`, `options.verify`,
 *   `options.intoVm.exists`, `options.intoVm.disks[].allocationKnown`, `options.importedVm`, top-level
 *   `description` and `$schema`.
 * - The restore-request options (plan-scenario.md, "Extension"): a choice changes
 *   the plan exactly as it changes the run, so every option `lifeboat restore`
 *   takes is a scenario option too.
 */

const bytes = z.number().int().nonnegative();
const transportName = z.enum(['san', 'hotadd', 'nbdssl', 'nbd']);
const hardwareVersion = z.string().regex(/^vmx-\d+$/, 'expected a hardware version like "vmx-21"');
const esxiVersion = z.string().regex(/^\d+(\.\d+){0,3}$/, 'expected a version like "8.0.2"');

export const workstationSchema = z
  .strictObject({
    kind: z.enum(['physical', 'vm']).default('physical'),
    os: z.enum(['linux', 'windows', 'macos']).default('linux'),
    visibleLuns: z.array(z.string().min(1)).default(() => []),
    vmEncrypted: z.boolean().default(false),
    vcenter: z.string().min(1).nullable().default(null),
    datastores: z.array(z.string().min(1)).default(() => []),
    scsiControllerBuses: z.array(z.number().int().min(0).max(3)).default(() => [0]),
  })
  .prefault({});

export const connectionSchema = z
  .strictObject({
    kind: z.enum(['vcenter', 'esxi']).default('vcenter'),
    server: z.string().min(1).default('vc.example.test'),
    resolves: z.boolean().default(true),
    thumbprintTrusted: z.boolean().default(true),
    /** Extension: the trusted thumbprint is known but the server now shows another one. */
    thumbprintChanged: z.boolean().default(false),
    vcenter: z.string().min(1).nullable().default('vc.example.test'),
    /** Extension (CONN-NO-KEYCHAIN): false when the OS keychain cannot be used, so credentials last one session. */
    keychainAvailable: z.boolean().default(true),
  })
  .prefault({});

const controllerKind = z.enum(['pvscsi', 'lsilogic', 'lsisas', 'buslogic', 'ide', 'sata', 'nvme']);

export const hostNetworkSchema = z.strictObject({
  name: z.string().min(1),
  /** A distributed switch's uplink port group: never a VM network. */
  uplink: z.boolean().default(false),
});

export const hostSchema = z
  .strictObject({
    esxiVersion: esxiVersion.default('8.0.2'),
    managementServerIp: z.string().min(1).nullable().default(null),
    sanAttached: z.boolean().default(true),
    /** [] = not known: no check (DATA-HW-VERSION). */
    supportedHardwareVersions: z.array(hardwareVersion).default(() => []),
    /** [] = not known: no check (DATA-NETWORK-MAP). */
    networks: z.array(hostNetworkSchema).default(() => []),
    /** Extension (DATA-HW-VERSION): guest OS ids the host can create VMs for at the restored hardware version; [] = not known. */
    supportedGuestIds: z.array(z.string().min(1)).default(() => []),
  })
  .prefault({});

const datastoreFields = {
  name: z.string().min(1).default('ds1'),
  type: z.enum(['VMFS', 'NFS', 'VVOL', 'vsan', 'local']).default('VMFS'),
  lun: z.string().min(1).nullable().default('naa.600a0b80001234'),
  freeBytes: bytes.default(1099511627776),
  vmfsBlockBytes: z.number().int().positive().default(1048576),
  nfsSeekData: z.boolean().default(true),
};

export const datastoreSchema = z.strictObject(datastoreFields).prefault({});

/** Extension: another datastore of the target, named by options.diskDatastores (its name is required). */
export const otherDatastoreSchema = z.strictObject({ ...datastoreFields, name: z.string().min(1) });

export const targetSchema = z
  .strictObject({
    host: hostSchema,
    datastore: datastoreSchema,
    /** Extension: the other datastores disks are placed on (options.diskDatastores); the VM's home is on `datastore`. */
    datastores: z.array(otherDatastoreSchema).default(() => []),
    keyProviders: z.array(z.string().min(1)).default(() => ['kms-a']),
    storagePolicies: z.array(z.string().min(1)).default(() => ['VM Encryption Policy']),
    /** VM names already present in the target datacenter (DATA-VM-NAME-TAKEN). */
    existingVmNames: z.array(z.string().min(1)).default(() => []),
  })
  .prefault({});

export const vmSchema = z
  .strictObject({
    name: z.string().min(1).default('app01'),
    guestFamily: z.enum(['windows', 'linux', 'other']).default('windows'),
    firmware: z.enum(['bios', 'efi']).default('efi'),
    encrypted: z.boolean().default(false),
    keyProvider: z.string().min(1).nullable().default(null),
    hasKeyId: z.boolean().default(false),
    hasEncryptionBundle: z.boolean().default(false),
    storagePolicy: z.string().min(1).nullable().default(null),
    vtpm: z.boolean().default(false),
    nvramSaved: z.boolean().default(true),
    independentDisks: z.number().int().nonnegative().default(0),
    /** false for a point made by `import` from an image (DATA-NO-CONFIGINFO). */
    configInfoSaved: z.boolean().default(true),
    hardwareVersion: hardwareVersion.nullable().default(null),
    /** Extension: the saved guest OS id (config.guestId), e.g. "windows2019srvNext_64Guest". */
    guestId: z.string().min(1).nullable().default(null),
    /** Source NICs' network names, in NIC order. */
    networks: z.array(z.string().min(1)).default(() => []),
  })
  .prefault({});

export const diskSchema = z
  .strictObject({
    key: z.number().int(),
    label: z.string().min(1).optional(),
    controller: controllerKind.default('pvscsi'),
    bus: z.number().int().nonnegative().default(0),
    unit: z.number().int().nonnegative().default(0),
    capacityBytes: bytes,
    allocatedBytes: bytes.optional(),
    provisioning: z.enum(['thin', 'lazyzeroed', 'eagerzeroed']).default('thin'),
    allocationMapSaved: z.boolean().default(true),
    encrypted: z.boolean().default(false),
  })
  .superRefine((d, ctx) => {
    if (d.allocatedBytes !== undefined && d.allocatedBytes > d.capacityBytes) {
      ctx.addIssue({ code: 'custom', path: ['allocatedBytes'], message: 'larger than capacityBytes' });
    }
  })
  .transform((d) => {
    return { ...d, allocatedBytes: d.allocatedBytes ?? d.capacityBytes, label: d.label ?? `Disk ${d.key}` };
  });

export const restorePointSchema = z.strictObject({
  vm: vmSchema,
  disks: z
    .array(diskSchema)
    .min(1, 'at least one disk is needed')
    .superRefine((disks, ctx) => {
      const seen = new Set<number>();
      disks.forEach((d, i) => {
        if (seen.has(d.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate disk key ${d.key}` });
        seen.add(d.key);
      });
    }),
});

/** A disk of the existing VM a disks restore writes into. */
export const intoVmDiskSchema = z.strictObject({
  key: z.number().int(),
  controller: controllerKind.default('pvscsi'),
  bus: z.number().int().nonnegative().default(0),
  unit: z.number().int().nonnegative().default(0),
  capacityBytes: bytes,
  /** Extension (DATA-ALLOCATION-UNKNOWN): false when VDDK cannot report this disk's allocated blocks. */
  allocationKnown: z.boolean().default(true),
});

export const intoVmSchema = z.strictObject({
  name: z.string().min(1),
  /** Extension: false when no VM of that name exists on the target (DATA-DISK-MAP). */
  exists: z.boolean().default(true),
  poweredOn: z.boolean().default(false),
  snapshots: z.number().int().nonnegative().default(0),
  disks: z.array(intoVmDiskSchema).default(() => []),
});

/** The user's choices for a VM built from defaults (a point imported from an image); ignored when ConfigInfo was saved. */
export const importedVmSchema = z
  .strictObject({
    firmware: z.enum(['bios', 'efi']).nullable().default(null),
    guestId: z.string().min(1).nullable().default(null),
    controller: controllerKind.nullable().default(null),
  })
  .prefault({});

export const optionsSchema = z
  .strictObject({
    transport: z.enum(['auto', ...transportName.options]).default('auto'),
    restoreKind: z.enum(['full-vm', 'disks']).default('full-vm'),
    /** redo: a child disk (snapshot or linked clone). */
    writeTo: z.enum(['base', 'redo']).default('base'),
    /** Change tracking is on for the target VM now (disks) or should be after the restore (full-vm). */
    cbtEnabledOnTarget: z.boolean().default(true),
    concurrentStreams: z.number().int().min(1).max(64).default(4),
    /** Extension: read every written disk back and compare it (`--no-verify` turns it off). */
    verify: z.boolean().default(true),
    /** New VM name; null = "<original>-restored". */
    name: z.string().trim().min(1).max(80).nullable().default(null),
    powerOn: z.boolean().default(false),
    encryption: z.enum(['keep', 'new-keys', 'unencrypted']).default('keep'),
    /** Encryption storage policy chosen for the restore (CRYPT-POLICY-MISSING). */
    storagePolicy: z.string().min(1).nullable().default(null),
    /** An explicit lower hardware version (DATA-HW-VERSION). */
    hardwareVersion: hardwareVersion.nullable().default(null),
    /** Source network → target network (DATA-NETWORK-MAP). */
    networkMap: z.record(z.string().min(1), z.string().min(1)).default(() => ({})),
    /** Disks restore: restore-point disk key → target disk key (DATA-DISK-MAP). */
    diskMap: z.record(z.string().regex(/^-?\d+$/, 'expected a disk key'), z.number().int()).default(() => ({})),
    /** Disks restore: add the disks as new disks instead of overwriting. */
    addAsNew: z.boolean().default(false),
    /** Extension (DATA-TARGET-POWERED-ON): power the running target VM off as an explicit step instead of the block. */
    powerOffTarget: z.boolean().default(false),
    /** Disks restore: the existing VM written into; null = not known (no check). */
    intoVm: intoVmSchema.nullable().default(null),
    /** Extension: restore-point disk key (or "*" for every disk not named) → datastore name; default: every disk on target.datastore. */
    diskDatastores: z.record(z.union([z.string().regex(/^-?\d+$/, 'expected a disk key'), z.literal('*')]), z.string().min(1)).default(() => ({})),
    /** Extension (DATA-NO-CONFIGINFO): what replaces a default of a VM built without saved ConfigInfo; null = the default. */
    importedVm: importedVmSchema,
  })
  .prefault({});

export const scenarioSchema = z
  .strictObject({
    /** Lets editors validate scenario files; ignored by the planner. */
    $schema: z.string().optional(),
    /** Free text for trainers: what the scenario demonstrates. Ignored by the planner. */
    description: z.string().optional(),
    workstation: workstationSchema,
    connection: connectionSchema,
    target: targetSchema,
    restorePoint: restorePointSchema,
    options: optionsSchema,
  })
  .superRefine((s, ctx) => {
    // options.diskDatastores must name disks of the point and datastores the target describes.
    const known = new Set([s.target.datastore.name, ...s.target.datastores.map((d) => d.name)]);
    const keys = new Set(s.restorePoint.disks.map((d) => String(d.key)));
    for (const [key, name] of Object.entries(s.options.diskDatastores)) {
      if (key !== '*' && !keys.has(key)) ctx.addIssue({ code: 'custom', path: ['options', 'diskDatastores', key], message: `the restore point has no disk ${key}` });
      if (!known.has(name))
        ctx.addIssue({ code: 'custom', path: ['options', 'diskDatastores', key], message: `datastore "${name}" is neither target.datastore nor in target.datastores` });
    }
  });

/** A scenario with every default applied: the planner's input. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written in a file (optional fields may be missing). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioDisk = Scenario['restorePoint']['disks'][number];
export type IntoVm = NonNullable<Scenario['options']['intoVm']>;
export type IntoVmDisk = IntoVm['disks'][number];
export type TransportName = z.infer<typeof transportName>;
export type TransportOption = Scenario['options']['transport'];

/** Speed order for `auto` (restore-rules.md, Transport choice). */
export const TRANSPORT_SPEED_ORDER: readonly TransportName[] = ['san', 'hotadd', 'nbdssl', 'nbd'];
