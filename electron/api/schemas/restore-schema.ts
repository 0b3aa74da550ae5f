import { z } from 'zod';
import { RestoreRequestByRepositoryId } from './restore-request';

const Transport = z.enum(['san', 'hotadd', 'nbdssl', 'nbd']);
const Severity = z.enum(['block', 'warn', 'info']);

/** Opening a repository folder; the password travels renderer → engine only and is never returned. */
export const OpenRepositoryInput = z
  .object({
    path: z.string().min(1).max(4096),
    password: z.string().min(1).max(1024).optional(),
    remember: z.boolean().optional(),
  })
  .strict();

export const PointRow = z.object({
  id: z.string(),
  vm: z.string(),
  kind: z.enum(['full', 'incremental']),
  createdAt: z.string(),
  disks: z.number(),
  allocatedBytes: z.number(),
});
export type PointRow = z.infer<typeof PointRow>;

export const OpenedRepository = z.object({
  id: z.string(),
  path: z.string(),
  points: z.array(PointRow),
  /** Set when `remember` was asked and the keychain refused. */
  rememberProblem: z.string().optional(),
});
export type OpenedRepository = z.infer<typeof OpenedRepository>;

/** Where and how to restore one point: the one restore request of the contract, by an opened repository's id. */
export const RestorePlanInput = RestoreRequestByRepositoryId;
export type RestorePlanInput = z.output<typeof RestorePlanInput>;

/** Starting runs exactly the request that was planned. */
export const RestoreStartInput = RestoreRequestByRepositoryId;
export type RestoreStartInput = z.output<typeof RestoreStartInput>;

/** One request option and the value that satisfies a rule (the planner's FindingFix). */
export const FindingFix = z.union([
  z.object({ option: z.literal('transport'), value: z.enum(['auto', 'san', 'hotadd', 'nbdssl', 'nbd']) }),
  z.object({ option: z.literal('encryption'), value: z.enum(['keep', 'new-keys', 'unencrypted']) }),
  z.object({ option: z.literal('storagePolicy'), value: z.string() }),
  z.object({ option: z.literal('hardwareVersion'), value: z.string() }),
  z.object({ option: z.literal('networkMap'), source: z.string(), value: z.string() }),
  z.object({ option: z.literal('powerOffTarget'), value: z.literal(true) }),
  z.object({ option: z.literal('name'), value: z.string() }),
]);
export type FindingFix = z.infer<typeof FindingFix>;

export const PlanFinding = z.object({
  rule: z.string(),
  severity: Severity,
  disk: z.number().optional(),
  message: z.string(),
  remedy: z.string(),
  transport: Transport.optional(),
  /** The rule's title in the catalogue (the wizard's "why" disclosure for trainers). */
  ruleTitle: z.string().optional(),
  /** The one-click fixes the remedy names (planner `Finding.fix`): each one request option and its value. */
  fix: z.array(FindingFix).optional(),
});
export type PlanFinding = z.infer<typeof PlanFinding>;

export const PlanDisk = z.object({
  key: z.number(),
  label: z.string(),
  /** The datastore the restored disk goes to (a datastore per disk; absent in older plans). */
  datastore: z.string().optional(),
  transport: Transport.nullable(),
  excluded: z.record(z.string(), z.array(z.string())),
  chosenBy: z.enum(['auto', 'options']),
  why: z.string(),
  restoredProvisioning: z.enum(['thin', 'lazyzeroed', 'eagerzeroed']),
  bytesToWrite: z.number(),
  firstWriteAllocates: z.boolean(),
  /** Disks restore into an existing VM: the disk written (null: none fits). */
  targetDisk: z.number().nullable().optional(),
});
export type PlanDisk = z.infer<typeof PlanDisk>;

/** The planner's answer as the UI shows it: per-disk transport and why, findings by rule ID, automatic steps. */
export const RestorePlanView = z.object({
  ok: z.boolean(),
  vm: z.string(),
  vmName: z.string(),
  /** Seconds at assumed transport rates (null: nothing to write); the run measures its own. */
  estimate: z.object({ seconds: z.number().nullable(), bytesToWrite: z.number(), assumedBytesPerSecond: z.number() }).optional(),
  verify: z.boolean(),
  powerOn: z.boolean(),
  encryption: z.enum(['keep', 'new-keys', 'unencrypted']),
  storagePolicy: z.string().nullable(),
  hardwareVersion: z.string().nullable(),
  /** DATA-NO-CONFIGINFO: a point imported from an image is built with these (the user's choices marked); null or absent otherwise. */
  importedVm: z
    .object({ firmware: z.enum(['bios', 'efi']), guestId: z.string(), controller: z.string(), chosen: z.array(z.enum(['firmware', 'guestId', 'controller'])) })
    .nullable()
    .optional(),
  networks: z.array(z.object({ source: z.string(), target: z.string().nullable(), how: z.string() })),
  restoreKind: z.enum(['full-vm', 'disks']),
  transportOption: z.enum(['auto', 'san', 'hotadd', 'nbdssl', 'nbd']),
  disks: z.array(PlanDisk),
  findings: z.array(PlanFinding),
  steps: z.array(z.object({ rule: z.string(), order: z.number(), phase: z.string(), description: z.string(), disk: z.number().optional() })),
  rulesApplied: z.array(z.string()),
});
export type RestorePlanView = z.infer<typeof RestorePlanView>;
