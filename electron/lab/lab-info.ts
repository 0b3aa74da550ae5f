import { z } from 'zod';

/** One datastore of the lab: its vSphere type and the local folder holding its files. */
export const labDatastoreSchema = z.object({
  name: z.string(),
  type: z.enum(['VMFS', 'NFS', 'VVOL']),
  /** Local folder where the simulator (and the lab VDDK) keep this datastore's files. */
  folder: z.string(),
  /** summary.url as the simulator reports it (the same local folder). */
  url: z.string(),
  moref: z.string(),
  /** The SAN LUN (NAA id) of a shared VMFS datastore. */
  lun: z.string().optional(),
});

export const labHostSchema = z.object({
  name: z.string(),
  moref: z.string(),
  cluster: z.string().optional(),
  /** Set when the host reports it is managed by a vCenter (CONN-HOST-MANAGED). */
  managementServerIp: z.string().optional(),
});

/**
 * One VM of the lab's site (`--site`): a small company's VM for recovery
 * rehearsals, powered off, its disks holding labelled data (see
 * test/lab/vcsim/README.md, "Site mode").
 */
export const labSiteVmSchema = z.object({
  name: z.string(),
  /** identity, data, apps, web or infrastructure: the order a recovery brings them back. */
  role: z.enum(['identity', 'data', 'apps', 'web', 'infrastructure']),
  /** The cluster host it runs on. */
  host: z.string(),
  datastore: z.string(),
  /** Capacity of each disk in MiB, in disk order. */
  diskMiB: z.array(z.number().int().positive()),
  firmware: z.enum(['bios', 'efi']),
  /** none; home: EFI + vTPM with an encrypted VM home (as lab-efi-vtpm); full: home and disks encrypted (as lab-encrypted). */
  encryption: z.enum(['none', 'home', 'full']),
  guestId: z.string(),
});

/** The JSON line the lab simulator prints once it listens. */
export const labInfoSchema = z.object({
  url: z.string().url(),
  username: z.string(),
  password: z.string(),
  thumbprintSha1: z.string().regex(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/),
  thumbprintSha256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
  mode: z.enum(['vcenter', 'esxi']),
  datacenter: z.string(),
  datastores: z.array(labDatastoreSchema),
  hosts: z.array(labHostSchema),
  /** Names of the special VMs (see test/lab/vcsim/README.md). */
  vms: z.array(z.string()),
  /** Count of plain VMs named `${bulkVmPrefix}0000`, `...0001`, ... */
  bulkVms: z.number().int(),
  bulkVmPrefix: z.string(),
  keyProviders: z.array(z.string()),
  storagePolicies: z.array(z.string()),
  /** The site's VMs when started with `--site` (none otherwise). */
  siteVms: z.array(labSiteVmSchema).default([]),
  pid: z.number().int(),
});

export type LabDatastore = z.infer<typeof labDatastoreSchema>;
export type LabHost = z.infer<typeof labHostSchema>;
export type LabSiteVm = z.infer<typeof labSiteVmSchema>;
export type LabInfo = z.infer<typeof labInfoSchema>;
export type LabMode = LabInfo['mode'];

/** Names of the special VMs every lab has; tests rely on them. */
export const LAB_VMS = {
  thinThick: 'lab-thin-thick',
  efiVtpm: 'lab-efi-vtpm',
  encrypted: 'lab-encrypted',
  ideDisk: 'lab-ide-disk',
  proxy: 'lab-proxy',
} as const;

/** Key the encrypted VM uses, and its key provider. */
export const LAB_CRYPTO = {
  keyProvider: 'lifeboat-lab-kms',
  keyId: '8b5c4a3e-lab0-4e1f-9d2a-000000000001',
} as const;

/** `host:port` of the lab's URL, used as the keychain account suffix. */
export function labAuthority(info: Pick<LabInfo, 'url'>): string {
  return new URL(info.url).host;
}
