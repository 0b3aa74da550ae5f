import { z } from 'zod';

/** One job found on disk (`<Lifeboat home>/jobs/`), whichever front door ran it (app, browser or CLI). */
export const JobHistoryRow = z.object({
  jobId: z.string(),
  kind: z.string(),
  vm: z.string(),
  restoredVm: z.string().nullable(),
  target: z.string(),
  /** 'interrupted': the last run stopped without a report (the process died); 'running': a process is running it now. */
  outcome: z.enum(['succeeded', 'failed', 'cancelled', 'interrupted', 'running']),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  reason: z.string().nullable(),
  reportPath: z.string().nullable(),
  /** A backup's kind (full or incremental), what it made or what its plan chose. */
  backupKind: z.enum(['full', 'incremental']).nullable().optional(),
  /** The restore point a backup made (or a restore read). */
  pointId: z.string().nullable().optional(),
  /** Failed, cancelled and interrupted restores and recoveries continue; a backup is run again instead. */
  resumable: z.boolean().optional(),
});
export type JobHistoryRow = z.infer<typeof JobHistoryRow>;

/** A finished job's report, as the app shows it (the HTML file has the same content). */
export const JobReportView = z.object({
  jobId: z.string(),
  /** A restore's report (the default), or a backup's: then the disks' bytes are bytes read. */
  kind: z.enum(['restore', 'backup']).optional(),
  backupKind: z.enum(['full', 'incremental']).nullable().optional(),
  /** The restore point a backup made. */
  pointId: z.string().nullable().optional(),
  bytesRead: z.number().nullable().optional(),
  vm: z.string(),
  target: z.string(),
  outcome: z.string(),
  restoredVm: z.string().nullable(),
  reason: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationSeconds: z.number(),
  steps: z.array(z.object({ rule: z.string(), title: z.string(), status: z.string(), detail: z.string().nullable() })),
  disks: z.array(z.object({ key: z.number(), label: z.string(), transportUsed: z.string().nullable(), bytesWritten: z.number(), verified: z.boolean().nullable() })),
  findings: z.array(z.object({ rule: z.string(), severity: z.string(), message: z.string() })),
  errors: z.array(z.string()),
  /** A restore's HTML report; a backup has only its JSON record. */
  htmlPath: z.string().nullable(),
  jsonPath: z.string().optional(),
});
export type JobReportView = z.infer<typeof JobReportView>;

export const JobIdInput = z.object({ jobId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'expected a job id') }).strict();
