import { z } from 'zod';
import { event, invoke, NoInput, type BridgeApi, type ClientApi, type EventName, type EventPayload } from './contract-kit';
import {
  AddConnectionInput,
  ConnectionName,
  ConnectionPasswordInput,
  ConnectionSummary,
  ConnectionTestResult,
  DatastoreRow,
  ServerProbe,
  VmRow,
} from './schemas/connection-schema';
import { EnvironmentFacts } from './schemas/environment-schema';
import { JobIdInput, JobHistoryRow, JobReportView } from './schemas/job-history-schema';
import { JobSnapshot } from './schemas/job-schema';
import { LabStartInput, LabView } from './schemas/lab-schema';
import { ExportStartInput, VerifyStartInput } from './schemas/export-schema';
import { PointSummary, RecentRepository } from './schemas/repository-view-schema';
import { WhatIfPlanInput, WhatIfPlanView, WhatIfScenarioRow } from './schemas/what-if-schema';
import { PointDetails, PointDetailsInput } from './schemas/point-details-schema';
import { RestoreTargets, RestoreTargetsInput, VmNameCheck, VmNameCheckInput } from './schemas/restore-target-schema';
import { RecoveryJobState, RecoveryPlanSource, RecoveryPlanView, RecoveryProgress } from './schemas/recovery-schema';
import { OpenedRepository, OpenRepositoryInput, RestorePlanInput, RestorePlanView, RestoreStartInput } from './schemas/restore-schema';
import { BackupPlanInput, BackupPlanView, BackupStartInput } from './schemas/backup-schema';

export { ConnectionSummary, ConnectionTestResult, DatastoreRow, EnvironmentFacts, JobSnapshot, ServerProbe, VmRow };
export type { JobHistoryRow, JobReportView } from './schemas/job-history-schema';
export type { JobChecklistItem, JobDiskProgress } from './schemas/job-schema';
export type { PointDetails } from './schemas/point-details-schema';
export type { LabView } from './schemas/lab-schema';
export type { PointSummary, RecentRepository } from './schemas/repository-view-schema';
export type { ExportStartInput } from './schemas/export-schema';
export type { WhatIfPlanView, WhatIfScenarioRow } from './schemas/what-if-schema';
export type { RestoreTargets, VmNameCheck } from './schemas/restore-target-schema';
export type { FindingFix, OpenedRepository, PlanDisk, PlanFinding, PointRow, RestorePlanInput, RestorePlanView } from './schemas/restore-schema';
export type {
  RecoveryDatastoreUse,
  RecoveryFinding,
  RecoveryGroupPlan,
  RecoveryGroupProgress,
  RecoveryHostUse,
  RecoveryJobState,
  RecoveryPlanSource,
  RecoveryPlanView,
  RecoveryProgress,
  RecoveryVmPlan,
  RecoveryVmProgress,
} from './schemas/recovery-schema';
export type { BackupPlanInput, BackupPlanView, BackupStartInput } from './schemas/backup-schema';
export type { CallResult, WireError } from './contract-kit';

/**
 * The one API contract spoken by all three front doors (Electron IPC, the
 * browser host's WebSocket, and — through the same engine calls — the CLI).
 * Every input has a schema; handlers receive parsed values only.
 */
export const apiContract = {
  app: {
    info: invoke(
      NoInput,
      z.object({ productName: z.string(), version: z.string(), frontDoor: z.enum(['electron', 'browser', 'cli']) }),
    ),
  },
  environment: {
    facts: invoke(NoInput, EnvironmentFacts),
  },
  connections: {
    list: invoke(NoInput, z.array(ConnectionSummary)),
    /** Reads a server's certificate for the trust dialog; trusts nothing. */
    probe: invoke(z.object({ url: z.string().min(1).max(2048) }).strict(), ServerProbe),
    add: invoke(AddConnectionInput, ConnectionSummary),
    test: invoke(ConnectionName, ConnectionTestResult),
    remove: invoke(ConnectionName, z.object({ passwordRemoved: z.boolean() })),
    /** Uses a password for a saved connection in this session only, never saved (no keychain, or not wanted: CONN-NO-KEYCHAIN). */
    usePassword: invoke(ConnectionPasswordInput, z.object({ ok: z.literal(true) })),
  },
  inventory: {
    vms: invoke(z.object({ connection: z.string().min(1).max(100) }).strict(), z.array(VmRow)),
    datastores: invoke(z.object({ connection: z.string().min(1).max(100) }).strict(), z.array(DatastoreRow)),
    /** The restore wizard's pickers: datacenters, clusters and hosts, pools, VM folders, datastores (free space), networks per host. */
    restoreTargets: invoke(RestoreTargetsInput, RestoreTargets),
    /** The wizard's live VM name conflict check. */
    vmNameInUse: invoke(VmNameCheckInput, VmNameCheck),
  },
  vms: {
    /** Powers on a restored VM by name (the run page's "Power on"). */
    powerOn: invoke(VmNameCheckInput, z.object({ poweredOn: z.boolean() })),
  },
  repositories: {
    /** Opens a repository folder for this session (password from the input, else the keychain) and lists its restore points. */
    open: invoke(OpenRepositoryInput, OpenedRepository),
    /** One restore point's badges (EFI, vTPM, encrypted, CBT) and disk sizes, for the restore wizard. */
    pointDetails: invoke(PointDetailsInput, PointDetails),
    /** Folders opened before on this machine, newest first (no passwords). */
    recent: invoke(NoInput, z.array(RecentRepository)),
    /** Creates (or reuses) the demo repository in the Lifeboat folder and opens it with its public demo password. */
    openDemo: invoke(NoInput, OpenedRepository),
    /** The Repositories page's details of a point: ConfigInfo summary, disks, encryption, vTPM, NVRAM. */
    pointSummary: invoke(PointDetailsInput, PointSummary),
    /** Verifies the repository as a job (progress through jobs.onProgress; its bytes count packs). */
    verify: invoke(VerifyStartInput, z.object({ jobId: z.string() })),
    /** An opened repository's restore points as they are now (the backup page's result adds one); no password again. */
    refresh: invoke(z.object({ repositoryId: z.string().min(1).max(200) }).strict(), OpenedRepository),
  },
  export: {
    /** Exports one disk of a point to a file on the engine's machine, as a job; the destination is checked first. */
    start: invoke(ExportStartInput, z.object({ jobId: z.string(), file: z.string() })),
  },
  restore: {
    /** Plans a restore against the live target; changes nothing. */
    plan: invoke(RestorePlanInput, RestorePlanView),
    /** Plans again and, unless blocked, runs the restore as a job (progress through jobs.onProgress). */
    start: invoke(RestoreStartInput, z.object({ jobId: z.string() })),
    /** Continues an interrupted or failed restore job from its checkpoint (its saved request; the repository must be open). */
    resume: invoke(JobIdInput, z.object({ jobId: z.string() })),
  },
  recovery: {
    /** Reads and plans a recovery plan file (a path on the engine's machine, or its text); changes nothing. */
    plan: invoke(RecoveryPlanSource, RecoveryPlanView),
    /** Plans again and, unless blocked, runs the recovery as one job of kind `recovery` (Jobs page, jobs.cancel). */
    start: invoke(RecoveryPlanSource, z.object({ jobId: z.string() })),
    /** Continues an interrupted, failed or cancelled recovery: finished VMs are skipped, the others resume from their checkpoints. */
    resume: invoke(JobIdInput, z.object({ jobId: z.string() })),
    /** A recovery job's last progress (for a reloaded page), and whether it was interrupted. */
    get: invoke(JobIdInput, RecoveryJobState),
    /** Every VM's state and bytes, each group's state, per-host streams: pushed while a recovery runs. */
    onProgress: event(RecoveryProgress),
  },
  backup: {
    /** What a backup of a VM would read (full or incremental per disk and why, at most how many bytes, the snapshot); changes nothing. */
    plan: invoke(BackupPlanInput, BackupPlanView),
    /** Plans again and, unless blocked, runs the backup as a job (progress through jobs.onProgress). */
    start: invoke(BackupStartInput, z.object({ jobId: z.string() })),
  },
  lab: {
    /** The background lab (the one `lifeboat lab` controls): running or not, its datastores, hosts, VMs and the free space under them. */
    status: invoke(NoInput, LabView),
    /** Starts the lab in vCenter or ESXi mode; resolves once it answers. */
    start: invoke(LabStartInput, LabView),
    stop: invoke(NoInput, LabView),
    /** Stop, remove the datastore folders, start again in the same mode (fresh disks, the special VMs back). */
    reset: invoke(NoInput, LabView),
  },
  whatIf: {
    /** The scenarios shipped in resources/scenarios. */
    scenarios: invoke(NoInput, z.array(WhatIfScenarioRow)),
    /** Plans a scenario with the pure planner (no server); invalid facts come back as issues. */
    plan: invoke(WhatIfPlanInput, WhatIfPlanView),
  },
  jobs: {
    list: invoke(NoInput, z.array(JobSnapshot)),
    cancel: invoke(z.object({ jobId: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() })),
    onProgress: event(JobSnapshot),
    /** Every job on disk (<Lifeboat home>/jobs), the CLI's too, newest first. */
    history: invoke(NoInput, z.array(JobHistoryRow)),
    /** A finished job's report, for the in-app report view. */
    report: invoke(JobIdInput, JobReportView),
  },
};

export type ApiContract = typeof apiContract;
/** The type of `window.lifeboat`, derived from the contract. */
export type LifeboatApi = ClientApi<ApiContract>;
export type LifeboatEventName = EventName<ApiContract>;
export type LifeboatEventPayload<N extends LifeboatEventName> = EventPayload<ApiContract, N>;

/** IPC channel for an invoke method ("lifeboat:domain.method") and the one channel for events. */
export const invokeChannel = (method: string): string => `lifeboat:${method}`;
export const EVENT_CHANNEL = 'lifeboat:event';

/** The raw bridge a transport provides (see BridgeApi). */
export type LifeboatBridge = BridgeApi<ApiContract>;
