import { z } from 'zod';
import { connectionSchema } from './scenario-schema';

/**
 * Facts for planning a backup (a restore point Lifeboat makes). Small on
 * purpose: what the BACKUP-* and CRYPT-CLEAR-ON-MEDIA rules need, plus the
 * connection for the trust rules. Strict like the restore scenario.
 */
export const backupFactsSchema = z.strictObject({
  connection: connectionSchema,
  vm: z
    .strictObject({
      name: z.string().min(1).default('app01'),
      cbtEnabled: z.boolean().default(false),
      encrypted: z.boolean().default(false),
      vtpm: z.boolean().default(false),
      /** Snapshot with guest quiescing (VMware Tools). */
      quiesce: z.boolean().default(true),
      /** VMware Tools debug logging writes vmtoolsd.data to a file inside the guest. */
      toolsLogToFile: z.boolean().default(false),
    })
    .prefault({}),
  /** True when the repository has no restore point of this VM yet. */
  firstBackup: z.boolean().default(true),
  disks: z
    .array(
      z.strictObject({
        key: z.number().int(),
        label: z.string().min(1).optional(),
        capacityBytes: z.number().int().nonnegative(),
        encrypted: z.boolean().default(false),
        independent: z.boolean().default(false),
      }),
    )
    .min(1, 'at least one disk is needed'),
});

export type BackupFacts = z.output<typeof backupFactsSchema>;
export type BackupFactsInput = z.input<typeof backupFactsSchema>;
