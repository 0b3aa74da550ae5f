import { z } from 'zod';

/**
 * A restore point: everything needed to rebuild the VM, and for every disk a
 * complete block map (no chain to walk at restore time). Versioned; a new
 * version adds a schema here and a migration in `parseManifest`.
 */
export const MANIFEST_VERSION = 1;

const chunkRef = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A run of the disk. `data`: allocated; `chunks` names the chunk of every
 * chunk-size slot the run touches, from slot floor(offset/chunkSize) on; null
 * means that slot's content is all zeros and was not stored.
 * `zero`: allocated but known to read as zeros. `unallocated`: a hole (thin stays thin).
 */
export const blockRunSchema = z.discriminatedUnion('kind', [
  z.object({
    offset: z.number().int().nonnegative(),
    length: z.number().int().positive(),
    kind: z.literal('data'),
    chunks: z.array(chunkRef.nullable()),
  }),
  z.object({ offset: z.number().int().nonnegative(), length: z.number().int().positive(), kind: z.literal('zero') }),
  z.object({ offset: z.number().int().nonnegative(), length: z.number().int().positive(), kind: z.literal('unallocated') }),
]);
export type BlockRun = z.infer<typeof blockRunSchema>;

export const provisioningSchema = z.enum(['thin', 'lazyzeroed', 'eagerzeroed']);

/** What the backup knows about a disk before writing it (the writer adds the block map). */
export const diskMetaSchema = z.object({
  /** VirtualDevice key in the VM's ConfigInfo. */
  key: z.number().int(),
  label: z.string(),
  controller: z.object({
    type: z.string(),
    busNumber: z.number().int().nonnegative(),
    unitNumber: z.number().int().nonnegative(),
  }),
  capacity: z.number().int().nonnegative().multipleOf(512),
  provisioning: provisioningSchema,
  diskMode: z.string(),
  datastore: z.object({ name: z.string(), type: z.string() }),
  /** False when the source could not report allocation (no CBT): restores thick (DATA-LAZY-TO-EAGER). */
  allocationMapSaved: z.boolean(),
  changeId: z.string().nullable(),
  fileName: z.string().optional(),
});
export type DiskMeta = z.infer<typeof diskMetaSchema>;

export const pointDiskSchema = diskMetaSchema.extend({
  /** Sector 0 and the GPT header (LBA 1), base64, for the disk-signature check after restore. */
  sector0: z.string(),
  gptHeader: z.string(),
  blockMap: z.array(blockRunSchema),
  /** Bytes in data runs (allocated), for reports and space checks. */
  allocatedBytes: z.number().int().nonnegative(),
});
export type PointDisk = z.infer<typeof pointDiskSchema>;

export const vmIdentitySchema = z.object({
  name: z.string(),
  instanceUuid: z.string(),
  moref: z.string(),
  sourceServer: z.string(),
});

/** What the backup knows about the VM; the writer adds disks, NVRAM and bookkeeping. */
export const pointMetaSchema = z.object({
  vm: vmIdentitySchema,
  /** The VM's ConfigInfo as the vSphere layer saved it (opaque here). BACKUP-SAVE-CONFIG */
  configInfo: z.record(z.string(), z.unknown()),
  firmware: z.enum(['bios', 'efi']).nullable(),
  vtpm: z.record(z.string(), z.unknown()).nullable(),
  keyId: z.record(z.string(), z.unknown()).nullable(),
  encryptionBundle: z.string().nullable(),
  storagePolicy: z.record(z.string(), z.unknown()).nullable(),
  /** BACKUP-SKIP-INDEPENDENT */
  skippedIndependentDisks: z.array(
    z.object({ key: z.number().int(), label: z.string(), diskMode: z.string(), fileName: z.string().optional() }),
  ),
  kind: z.enum(['full', 'incremental']),
  /** Informational only: every point is complete. */
  parentPointId: z.string().nullable(),
});
export type PointMeta = z.infer<typeof pointMetaSchema>;

export const manifestSchema = pointMetaSchema.extend({
  format: z.literal('lifeboat-restore-point'),
  version: z.literal(MANIFEST_VERSION),
  id: z.string().regex(/^[0-9a-f]{16,64}$/),
  createdAt: z.string(),
  chunkSize: z.number().int().positive(),
  nvram: z
    .object({ fileName: z.string(), size: z.number().int().nonnegative(), chunks: z.array(chunkRef.nullable()) })
    .nullable(),
  disks: z.array(pointDiskSchema),
});
export type RestorePointManifest = z.infer<typeof manifestSchema>;

/** Every chunk id a manifest references (data runs and NVRAM). */
export function referencedChunks(manifest: RestorePointManifest): Set<string> {
  const out = new Set<string>();
  for (const disk of manifest.disks) {
    for (const run of disk.blockMap) if (run.kind === 'data') for (const c of run.chunks) if (c) out.add(c);
  }
  for (const c of manifest.nvram?.chunks ?? []) if (c) out.add(c);
  return out;
}
