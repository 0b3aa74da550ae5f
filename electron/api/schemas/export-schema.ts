import { z } from 'zod';

/** The formats `lifeboat export --format` accepts (electron/restore-points/disk-export.ts). */
export const ExportFormatSchema = z.enum(['raw', 'vmdk', 'vmdk-flat']);

/** Export one disk of a restore point to a file on the machine that runs the engine. */
export const ExportStartInput = z
  .object({
    repositoryId: z.string().min(1).max(200),
    point: z.string().min(1).max(200),
    disk: z.number().int(),
    format: ExportFormatSchema,
    /** A full path on the engine's machine, typed by the user; the engine checks it. */
    destination: z.string().min(1).max(4096),
    overwrite: z.boolean().optional(),
  })
  .strict();
export type ExportStartInput = z.infer<typeof ExportStartInput>;

/** Verify a repository's structure (and with readData, every pack's bytes) as a job. */
export const VerifyStartInput = z.object({ repositoryId: z.string().min(1).max(200), readData: z.boolean().optional() }).strict();
