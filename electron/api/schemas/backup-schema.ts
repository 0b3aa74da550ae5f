import { z } from 'zod';
import { BackupRequestByRepositoryId } from './backup-request';

const Severity = z.enum(['block', 'warn', 'info']);

/** What a backup will read, before anything changes on the source. */
export const BackupPlanView = z.object({
  vm: z.string(),
  server: z.string(),
  kind: z.enum(['full', 'incremental']),
  /** The restore point an incremental builds on. */
  parentPointId: z.string().nullable(),
  disks: z.array(
    z.object({
      key: z.number(),
      label: z.string(),
      capacityBytes: z.number(),
      /** allocated: full read (BACKUP-ALLOCATED-FIRST); changed: changed ∩ allocated since the parent; skip: independent (BACKUP-SKIP-INDEPENDENT). */
      read: z.enum(['allocated', 'changed', 'skip']),
      /** Why, naming the rule. */
      why: z.string(),
      /** The most it reads: the exact allocated or changed areas are known once the snapshot exists. */
      bytesToReadAtMost: z.number(),
    }),
  ),
  bytesToReadAtMost: z.number(),
  /** The snapshot the backup reads from (removed when it ends, after a failure or cancel too). */
  snapshot: z.object({ quiesce: z.boolean(), memory: z.literal(false), description: z.string() }),
  findings: z.array(
    z.object({ rule: z.string(), severity: Severity, disk: z.number().optional(), message: z.string(), remedy: z.string() }),
  ),
  steps: z.array(z.object({ rule: z.string(), order: z.number(), description: z.string(), disk: z.number().optional() })),
  rulesApplied: z.array(z.string()),
});
export type BackupPlanView = z.infer<typeof BackupPlanView>;

/** Planning and starting take the one backup request, by an opened repository's id. */
export const BackupPlanInput = BackupRequestByRepositoryId;
export type BackupPlanInput = z.output<typeof BackupPlanInput>;
export const BackupStartInput = BackupRequestByRepositoryId;
export type BackupStartInput = z.output<typeof BackupStartInput>;
