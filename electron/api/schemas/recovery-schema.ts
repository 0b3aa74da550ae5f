import { z } from 'zod';
import { RestoreRequest } from './restore-request';
import { RecoveryLimits } from './recovery-plan-file';

/**
 * A recovery plan as planned and as run: the shared shapes of the engine's
 * recovery service, `lifeboat recovery plan|run --json` and the Recovery page.
 */

const Severity = z.enum(['block', 'warn', 'info']);
const Transport = z.enum(['san', 'hotadd', 'nbdssl', 'nbd']);

/** Where a plan file comes from: a path the engine reads, or its text (from the UI), with a name for messages. */
export const RecoveryPlanSource = z.union([
  z.strictObject({ path: z.string().min(1).max(4096) }),
  /** Relative paths inside the text are resolved against `baseDir` (default: the engine's working folder). */
  z.strictObject({ text: z.string().min(1).max(1_000_000), name: z.string().min(1).max(300), baseDir: z.string().min(1).max(4096).optional() }),
]);
export type RecoveryPlanSource = z.output<typeof RecoveryPlanSource>;

/** A finding about the whole recovery, or one of its VMs, datastores or hosts; `rule` is a catalogue ID. */
export const RecoveryFinding = z.object({
  rule: z.string(),
  severity: Severity,
  message: z.string(),
  remedy: z.string(),
  group: z.string().optional(),
  vm: z.string().optional(),
  datastore: z.string().optional(),
  host: z.string().optional(),
  disk: z.number().optional(),
});
export type RecoveryFinding = z.infer<typeof RecoveryFinding>;

/** One VM of the plan: its restore request (exactly what will run) and its own plan's summary. */
export const RecoveryVmPlan = z.object({
  group: z.string(),
  /** Source VM name (as in the file). */
  vm: z.string(),
  /** The restore point chosen for it, and when it was made. */
  pointId: z.string(),
  pointCreatedAt: z.string(),
  /** The VM name it gets on the target. */
  vmName: z.string(),
  request: RestoreRequest,
  ok: z.boolean(),
  /** This VM's own plan's findings (the single-restore planner's). */
  findings: z.array(RecoveryFinding),
  /** The ESXi host its disks are written through (null: not known). */
  host: z.string().nullable(),
  datastore: z.string(),
  /** Transport per disk (the plan's). */
  transports: z.array(Transport.nullable()),
  /** Disk streams this VM's restore opens at once on its host. */
  streams: z.number().int().min(0),
  bytesToWrite: z.number(),
  /** Thick bytes (provisioned) and thin bytes (allocated) it needs on its datastore. */
  thickBytes: z.number(),
  thinBytes: z.number(),
  /** The same bytes per datastore its disks go to (a datastore per disk: the request's diskDatastores). */
  space: z.array(z.object({ datastore: z.string(), thickBytes: z.number(), thinBytes: z.number() })).optional(),
  estimateSeconds: z.number().nullable(),
  powerOn: z.boolean(),
});
export type RecoveryVmPlan = z.infer<typeof RecoveryVmPlan>;

export const RecoveryGroupPlan = z.object({
  name: z.string(),
  vms: z.array(RecoveryVmPlan),
  waitFor: z.enum(['restored', 'powered-on']),
  delaySeconds: z.number(),
  stopOnFailure: z.boolean(),
  /** At the assumed rates, within the per-host caps. */
  estimateSeconds: z.number().nullable(),
});
export type RecoveryGroupPlan = z.infer<typeof RecoveryGroupPlan>;

/** Space on one datastore summed over every VM the plan restores to it (DATA-THICK-SPACE / DATA-THIN-SPACE across the plan). */
export const RecoveryDatastoreUse = z.object({
  name: z.string(),
  freeBytes: z.number().nullable(),
  thickBytes: z.number(),
  thinBytes: z.number(),
  neededBytes: z.number(),
  vms: z.array(z.string()),
  ok: z.boolean(),
});
export type RecoveryDatastoreUse = z.infer<typeof RecoveryDatastoreUse>;

/** Streams per host: the caps in force and the most the plan would open at once. */
export const RecoveryHostUse = z.object({
  name: z.string(),
  caps: z.object({ san: z.number(), nbd: z.number(), hotadd: z.number() }),
  vms: z.array(z.string()),
  /** Streams the largest group would want at once on this host, before the cap. */
  peakStreamsWanted: z.number(),
});
export type RecoveryHostUse = z.infer<typeof RecoveryHostUse>;

export const RecoveryPlanView = z.object({
  ok: z.boolean(),
  name: z.string(),
  /** The file planned (path, or the name given with its text) and a SHA-256 of its text (resume refuses a changed file). */
  source: z.string(),
  sourceSha256: z.string(),
  repository: z.string(),
  connection: z.string(),
  limits: RecoveryLimits,
  groups: z.array(RecoveryGroupPlan),
  /** Checks no single-VM plan can make (space summed, names inside the plan, streams per host). */
  findings: z.array(RecoveryFinding),
  datastores: z.array(RecoveryDatastoreUse),
  hosts: z.array(RecoveryHostUse),
  /** Whole plan at the assumed rates: the groups one after another, plus their delays. */
  estimateSeconds: z.number().nullable(),
});
export type RecoveryPlanView = z.infer<typeof RecoveryPlanView>;

export const RecoveryVmState = z.enum(['waiting', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']);
export type RecoveryVmState = z.infer<typeof RecoveryVmState>;

export const RecoveryVmProgress = z.object({
  group: z.string(),
  vm: z.string(),
  vmName: z.string(),
  host: z.string().nullable(),
  state: RecoveryVmState,
  /** The restore job of this VM (its checkpoint, report and `lifeboat jobs show`). */
  restoreJobId: z.string().nullable(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  poweredOn: z.boolean(),
  /** Set by a resumed run for a VM finished by an earlier run. */
  finishedEarlier: z.boolean().optional(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional(), rule: z.string().optional() }).nullable(),
});
export type RecoveryVmProgress = z.infer<typeof RecoveryVmProgress>;

export const RecoveryGroupProgress = z.object({
  name: z.string(),
  state: z.enum(['waiting', 'running', 'waiting-delay', 'succeeded', 'failed', 'cancelled']),
  startedAt: z.string().nullable(),
  /** When every VM of the group met `waitFor` (the recovery time the business cares about). */
  upAt: z.string().nullable(),
});
export type RecoveryGroupProgress = z.infer<typeof RecoveryGroupProgress>;

export const RecoveryHostProgress = z.object({
  name: z.string(),
  activeStreams: z.number(),
  cap: z.number(),
  peakStreams: z.number(),
});

/** A recovery job's state, pushed while it runs and kept in its report. */
export const RecoveryProgress = z.object({
  jobId: z.string(),
  name: z.string(),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  groups: z.array(RecoveryGroupProgress),
  vms: z.array(RecoveryVmProgress),
  hosts: z.array(RecoveryHostProgress),
});
export type RecoveryProgress = z.infer<typeof RecoveryProgress>;

/**
 * recovery.get: a recovery job's last progress, as this engine last saw it.
 * `interrupted`: it was running and nothing runs it now (the engine restarted
 * or the run stopped without an end): resume it. `resumable`: the engine kept
 * the plan source it ran (recoveries started from the CLI are resumed there).
 */
export const RecoveryJobState = RecoveryProgress.extend({ interrupted: z.boolean(), resumable: z.boolean() });
export type RecoveryJobState = z.infer<typeof RecoveryJobState>;

/** The end of a recovery run: its last progress, per-host utilisation and where the report is. */
export const RecoveryRunResult = RecoveryProgress.extend({
  ok: z.boolean(),
  /** Per host: the cap, the peak streams, and busy stream-seconds over cap × wall seconds. */
  hostUtilisation: z.array(z.object({ host: z.string(), cap: z.number(), peakStreams: z.number(), utilisation: z.number() })),
  report: z.object({ json: z.string(), html: z.string() }),
});
export type RecoveryRunResult = z.infer<typeof RecoveryRunResult>;
