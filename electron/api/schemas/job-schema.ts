import { z } from 'zod';

export const JobPhase = z.enum(['queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled']);

/** A throttled snapshot of a long job, pushed by the engine; the renderer only mirrors it. */
export const JobSnapshot = z.object({
  id: z.string(),
  kind: z.enum(['restore', 'backup', 'export', 'import', 'verify', 'demo']),
  title: z.string(),
  phase: JobPhase,
  step: z.string().nullable(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  findings: z.array(z.object({ rule: z.string(), severity: z.enum(['block', 'warn', 'info']), message: z.string() })),
  /** Finished jobs that write a report: where it is (HTML). */
  reportPath: z.string().optional(),
  /** Finished jobs: a one-line summary of what happened. */
  outcome: z.string().optional(),
});
export type JobSnapshot = z.infer<typeof JobSnapshot>;
