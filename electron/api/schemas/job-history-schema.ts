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
});
export type JobHistoryRow = z.infer<typeof JobHistoryRow>;

/** A finished job's report, as the app shows it (the HTML file has the same content). */
export const JobReportView = z.object({
  jobId: z.string(),
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
  htmlPath: z.string(),
});
export type JobReportView = z.infer<typeof JobReportView>;

export const JobIdInput = z.object({ jobId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'expected a job id') }).strict();
