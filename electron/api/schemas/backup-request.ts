import { z } from 'zod';

/**
 * Everything a backup can be told, in one place. The CLI builds it from its
 * options, the API from a UI request; the backup service plans it and runs
 * it. Names only, never a secret.
 */
const name = (max: number) => z.string().trim().min(1).max(max);

export const BackupTransport = z.enum(['nbdssl', 'nbd', 'hotadd', 'san']);

export const BackupRequestFields = {
  /** Saved connection to the vCenter or ESXi host that owns the VM. */
  connection: name(100),
  /** Name of the virtual machine to back up. */
  vm: name(80),
  /** Read every allocated area even when an incremental is possible. */
  full: z.boolean().default(false),
  /** VDDK transport the disks are read with. */
  transport: BackupTransport.default('nbdssl'),
  /** Quiesce the guest file systems for the snapshot (needs VMware Tools). */
  quiesce: z.boolean().default(false),
};

/** The backup request as the engine receives it: the repository by its folder. */
export const BackupRequest = z.strictObject({
  /** Repository folder. */
  repo: z.string().min(1).max(4096),
  ...BackupRequestFields,
});
export type BackupRequest = z.output<typeof BackupRequest>;
export type BackupRequestInput = z.input<typeof BackupRequest>;

/** The same request from the UI: the repository by the id of a repository opened in this session. */
export const BackupRequestByRepositoryId = z.strictObject({
  repositoryId: name(200),
  ...BackupRequestFields,
});
export type BackupRequestByRepositoryId = z.output<typeof BackupRequestByRepositoryId>;
