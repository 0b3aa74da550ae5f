import { z } from 'zod';

/** What the Lab page shows: never the password (it stays in the keychain). */
export const LabView = z.object({
  running: z.boolean(),
  /** The process is alive and its URL answers with the certificate it announced. */
  answering: z.boolean(),
  detail: z.string(),
  mode: z.enum(['vcenter', 'esxi']).nullable(),
  url: z.string().nullable(),
  pid: z.number().nullable(),
  startedAt: z.string().nullable(),
  datastores: z.array(z.object({ name: z.string(), type: z.string(), folder: z.string() })),
  hosts: z.array(z.string()),
  vms: z.array(z.string()),
  bulkVms: z.number(),
  /** The folder whose file system holds (or will hold) the lab's datastore folders. */
  spaceFolder: z.string(),
  freeBytes: z.number().nullable(),
  totalBytes: z.number().nullable(),
  /** Set after a start that could not save the password in the keychain: what went wrong. */
  keychainProblem: z.string().nullable(),
});
export type LabView = z.infer<typeof LabView>;

export const LabStartInput = z.object({ mode: z.enum(['vcenter', 'esxi']) }).strict();
