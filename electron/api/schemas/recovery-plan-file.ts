import { z } from 'zod';
import { RestoreRequestFields } from './restore-request';

/**
 * A recovery plan file (YAML): a site's runbook. Ordered groups of VMs, each VM
 * restored by the same RestoreRequest a single restore uses, so nothing in a
 * recovery is planned differently. Relative paths are relative to the file.
 */

/** `latest`, `latest before <ISO time>` or a restore point id (or a unique prefix of one). */
export const PointSelector = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => s === 'latest' || /^latest before \S.*$/.test(s) || /^[0-9a-f]{4,64}$/i.test(s), {
    message: 'expected "latest", "latest before <time>" (for example "latest before 2026-11-28T18:00:00Z") or a restore point id',
  });

/**
 * What a group's defaults or one VM may say about its restore: the restore
 * request's own options, minus what the plan decides (repository, point,
 * connection) and the disks-only restore (a recovery restores whole VMs).
 * Absent fields take the plan's defaults, then the request's own defaults.
 */
const { point: _point, connection: _connection, kind: _kind, intoVm: _intoVm, addAsNew: _addAsNew, diskMap: _diskMap, powerOffTarget: _powerOffTarget, ...overridable } =
  RestoreRequestFields;
type WithoutDefaults<T extends z.ZodRawShape> = { [K in keyof T]: T[K] extends z.ZodDefault<infer Inner> ? Inner : T[K] };
/** The request's defaults apply only after the plan's: an option the file leaves out must stay absent here. */
function withoutDefaults<T extends z.ZodRawShape>(shape: T): WithoutDefaults<T> {
  return Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, s instanceof z.ZodDefault ? s.unwrap() : s])) as WithoutDefaults<T>;
}
export const RecoveryRestoreOptions = z.strictObject(withoutDefaults(overridable)).partial().extend({
  /** A cluster (by name): the recovery spreads its VMs over the cluster's connected hosts. Excludes `host`. */
  cluster: z.string().trim().min(1).max(200).optional(),
});
export type RecoveryRestoreOptions = z.output<typeof RecoveryRestoreOptions>;

export const RecoveryVmEntry = RecoveryRestoreOptions.extend({
  /** The source VM's name as the repository's restore points record it. */
  vm: z.string().trim().min(1).max(200),
  point: PointSelector.default('latest'),
});
export type RecoveryVmEntry = z.output<typeof RecoveryVmEntry>;

export const RecoveryGroup = z.strictObject({
  name: z.string().trim().min(1).max(100),
  vms: z.array(RecoveryVmEntry).min(1),
  /** A failed VM stops the plan after this group's running VMs end (default: the others go on). */
  stopOnFailure: z.boolean().default(false),
  /** What must hold before the next group starts. */
  then: z
    .strictObject({
      /** `powered-on`: every VM of the group restored and powered on; `restored`: every VM restored. */
      waitFor: z.enum(['restored', 'powered-on']).optional(),
      /** Seconds to wait after that (services starting inside the guests). */
      delaySeconds: z.number().int().min(0).max(86_400).default(0),
    })
    .default({ delaySeconds: 0 }),
});
export type RecoveryGroup = z.output<typeof RecoveryGroup>;

/** Per-host stream caps (see recovery/README.md for where each number comes from). */
export const RecoveryLimits = z.strictObject({
  /** XPORT-SAN-STREAMS: never more than 6. */
  sanStreamsPerHost: z.number().int().min(1).max(6).default(6),
  /** NBD/NBDSSL: one NFC connection per open disk; a host takes about 50 (VMware KB / VDDK field notes). */
  nbdStreamsPerHost: z.number().int().min(1).max(50).default(50),
  /** HotAdd through one proxy per host: disks attached at once. */
  hotaddStreamsPerHost: z.number().int().min(1).max(60).default(15),
  /** VMs restoring at once over the whole plan (default: as many as the caps allow). */
  concurrentVms: z.number().int().min(1).max(200).optional(),
});
export type RecoveryLimits = z.output<typeof RecoveryLimits>;

export const RecoveryPlanFile = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** Repository folder (relative to the plan file's folder, or absolute). */
  repository: z.string().trim().min(1).max(4096),
  /** Saved connection of the target vCenter or ESXi host. */
  connection: z.string().trim().min(1).max(100),
  defaults: RecoveryRestoreOptions.default({}),
  limits: RecoveryLimits.default({ sanStreamsPerHost: 6, nbdStreamsPerHost: 50, hotaddStreamsPerHost: 15 }),
  groups: z.array(RecoveryGroup).min(1),
});
export type RecoveryPlanFile = z.output<typeof RecoveryPlanFile>;
