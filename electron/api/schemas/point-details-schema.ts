import { z } from 'zod';

/** What the wizard's restore point step shows of one point: its badges and each disk's size. */
export const PointDetails = z.object({
  id: z.string(),
  vm: z.string(),
  createdAt: z.string(),
  firmware: z.enum(['bios', 'efi']).nullable(),
  vtpm: z.boolean(),
  encrypted: z.boolean(),
  /** Every disk carries a change ID: the next backup can be incremental. */
  cbt: z.boolean(),
  disks: z.array(z.object({ key: z.number(), label: z.string(), capacityBytes: z.number(), allocatedBytes: z.number(), provisioning: z.string() })),
});
export type PointDetails = z.infer<typeof PointDetails>;

export const PointDetailsInput = z.object({ repositoryId: z.string().min(1).max(200), point: z.string().min(1).max(200) }).strict();
