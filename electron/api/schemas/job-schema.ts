import { z } from 'zod';

export const JobPhase = z.enum(['queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled']);

export const JobDiskProgress = z.object({
  key: z.number(),
  label: z.string(),
  state: z.string(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
});
export type JobDiskProgress = z.infer<typeof JobDiskProgress>;

export const JobChecklistItem = z.object({
  rule: z.string(),
  phase: z.string(),
  title: z.string(),
  status: z.enum(['pending', 'running', 'done', 'skipped', 'failed']),
});
export type JobChecklistItem = z.infer<typeof JobChecklistItem>;

/** A throttled snapshot of a long job, pushed by the engine; the renderer only mirrors it. */
export const JobSnapshot = z.object({
  id: z.string(),
  kind: z.enum(['restore', 'backup', 'export', 'import', 'verify', 'demo', 'recovery']),
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
  /** Restores: 'write' while disks are written, 'verify' while they are read back. */
  pass: z.enum(['write', 'verify']).optional(),
  /** Restores: progress of each disk, with its own rate and time left. */
  disks: z.array(JobDiskProgress).optional(),
  /** Restores: the plan's steps as a checklist, with the rule that asks for each. */
  checklist: z.array(JobChecklistItem).optional(),
  /** Restores: the VM written (for Power on at the end). */
  restoredVm: z.string().optional(),
  /** Restores: the connection the VM was restored to. */
  connection: z.string().optional(),
});
export type JobSnapshot = z.infer<typeof JobSnapshot>;
