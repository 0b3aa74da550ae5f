import { z } from 'zod';

/** A repository folder opened before on this machine (no password: that is in the keychain or nowhere). */
export const RecentRepository = z.object({ path: z.string(), openedAt: z.string() });
export type RecentRepository = z.infer<typeof RecentRepository>;

/** The Repositories page's details of one restore point: a ConfigInfo summary, its disks, what it carries besides them. */
export const PointSummary = z.object({
  id: z.string(),
  vm: z.string(),
  createdAt: z.string(),
  kind: z.enum(['full', 'incremental']),
  sourceServer: z.string(),
  guest: z.string().nullable(),
  cpus: z.number().nullable(),
  memoryMb: z.number().nullable(),
  hardwareVersion: z.string().nullable(),
  firmware: z.enum(['bios', 'efi']).nullable(),
  vtpm: z.boolean(),
  encrypted: z.boolean(),
  /** The NVRAM file saved with the point (EFI variables, the vTPM's state). */
  nvram: z.object({ fileName: z.string(), size: z.number() }).nullable(),
  storagePolicy: z.string().nullable(),
  disks: z.array(
    z.object({
      key: z.number(),
      label: z.string(),
      capacityBytes: z.number(),
      allocatedBytes: z.number(),
      provisioning: z.string(),
      controller: z.string(),
      datastore: z.string(),
    }),
  ),
  skippedDisks: z.array(z.string()),
});
export type PointSummary = z.infer<typeof PointSummary>;
