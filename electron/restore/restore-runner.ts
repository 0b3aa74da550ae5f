import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { RestoreRequest } from '../api/schemas/restore-request';
import type { EnvironmentFacts } from '../api/schemas/environment-schema';
import { writeFileAtomic } from '../config/json-file';
import { homePaths } from '../config/paths';
import type { ConnectionStore } from '../connections/connection-store';
import { BadInputError } from '../errors/lifeboat-error';
import { openConnection, requireConnectionPassword } from '../connections/open-connection';
import type { SecretStore } from '../keychain/secret-store';
import { planRestore } from '../planner/plan-restore';
import type { Plan } from '../planner/plan-types';
import { parseScenario } from '../planner/scenario-parse';
import type { Repository } from '../repository/repository';
import type { RestorePoint } from '../repository/restore-point';
import { parseServerUrl } from '../vsphere/server-url';
import { fetchInventory, listVms } from '../vsphere/inventory';
import type { VimSession } from '../vsphere/vim-session';
import { mergeVddkCallSummaries } from '../vddk/vddk-call-stats';
import { VddkSession } from '../vddk/vddk-session';
import type { VddkSetup } from '../vddk/vddk-setup';
import { isImportedPoint } from './default-vm-config';
import { gatherLiveScenario, pickHost } from './live-restore-facts';
import { RestoreCheckpointFile } from './restore-checkpoint';
import { runRestoreJob, type RestoreProgress } from './restore-job';
import { buildRestoreReport, renderReportHtml, type RestoreReport } from './restore-report';
import { VsphereRestoreTarget } from './vsphere-restore-target';

/** What a restore was asked to do: the contract's one request type, saved in the checkpoint for `--resume`. */
export const restoreRequestSchema = RestoreRequest;
export type { RestoreRequest };

/** Everything a live restore needs that is opened once: repository point, vSphere session, the plan. */
export interface PreparedRestore {
  request: RestoreRequest;
  repo: Repository;
  point: RestorePoint;
  session: VimSession;
  plan: Plan;
  server: string;
  /** Where it lands, as the facts said: the host its disks are written through and the datastore's free bytes. */
  /** datastoresFreeBytes: every datastore the disks go to (diskDatastores), the VM home's included. */
  target: { host: string; datastoreFreeBytes: number; datastoresFreeBytes: Record<string, number> };
  close(): Promise<void>;
}

export interface LiveRestoreDeps {
  repo: Repository;
  connections: ConnectionStore;
  secrets: SecretStore;
  environment: () => Promise<EnvironmentFacts>;
}

/** Opens the restore point and the connection, gathers the live facts and plans (the same pure planner as `plan --scenario`). */
export async function prepareRestore(
  request: RestoreRequest,
  deps: LiveRestoreDeps,
  /** A resumed job's own VM: it exists because this job created it, so its name is not "taken". */
  ownVmName?: string,
): Promise<PreparedRestore> {
  const point = await deps.repo.openPoint(request.point);
  if (request.kind === 'disks' && Object.keys(request.diskDatastores).length > 0) {
    throw new BadInputError('a datastore per disk is for a full-VM restore', 'disk-datastores-not-applicable', 'Leave out --disk-datastore: a disks restore writes the existing VM\'s disks where they are (new disks go to --datastore).');
  }
  if (request.importedVm && !isImportedPoint(point.manifest)) {
    throw new BadInputError(
      `restore point ${point.id} has a saved VM configuration; firmware, guest OS and controller choices are only for a point imported from an image (DATA-NO-CONFIGINFO)`,
      'imported-vm-choice-not-applicable',
      'Leave out --firmware, --guest-os and --controller: the VM is built from its saved configuration.',
    );
  }
  const profile = await deps.connections.get(request.connection);
  if (!profile) throw new Error(`There is no saved connection named "${request.connection}"; see \`lifeboat connect list\`.`);
  const session = await openConnection(profile, deps.secrets);
  try {
    const inventory = await fetchInventory(session);
    const scenario = await gatherLiveScenario({
      environment: await deps.environment(),
      session,
      inventory,
      server: profile.server,
      manifest: point.manifest,
      datastore: request.datastore,
      host: request.host,
      transport: request.transport,
      restoreKind: request.kind,
      storagePolicy: request.storagePolicy,
      intoVm: request.intoVm,
      hardwareVersion: request.hardwareVersion,
      networkMap: request.networkMap,
      importedVm: request.importedVm,
      diskDatastores: request.diskDatastores,
    });
    const parsed = parseScenario(withRequestOptions(scenario, request, (await deps.environment()).keychain.available, ownVmName));
    if (!parsed.ok)
      throw new Error(
        `the gathered facts do not fit the planner: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      );
    const datastore = inventory.datastores.find((d) => d.name === request.datastore)!;
    return {
      request,
      repo: deps.repo,
      point,
      session,
      plan: planRestore(parsed.scenario),
      server: profile.server,
      target: { host: pickHost(inventory, datastore, request.host).name, datastoreFreeBytes: parsed.scenario.target.datastore.freeBytes,
        datastoresFreeBytes: Object.fromEntries(
          [parsed.scenario.target.datastore, ...parsed.scenario.target.datastores].map((d) => [d.name, d.freeBytes]),
        ),
      },
      close: () => session.close(),
    };
  } catch (err) {
    await session.close().catch(() => undefined);
    throw err;
  }
}

const PROVISIONING = { thin: 'thin', 'thick-lazy': 'lazyzeroed', 'thick-eager': 'eagerzeroed' } as const;

/**
 * The request's choices as scenario options, so the plan is made with exactly
 * what the run will do (the scenario contract's restore-request extension).
 */
export function withRequestOptions(
  scenario: Record<string, unknown>,
  request: RestoreRequest,
  keychainAvailable: boolean,
  ownVmName?: string,
): Record<string, unknown> {
  const s = scenario as {
    connection?: Record<string, unknown>;
    target?: { existingVmNames?: string[] };
    restorePoint?: { disks?: Array<Record<string, unknown>> };
    options?: Record<string, unknown>;
  };
  const disks = (s.restorePoint?.disks ?? []).map((d) => {
    const choice = provisioningChoice(request, Number(d.key));
    return choice && choice !== 'as-source' ? { ...d, provisioning: PROVISIONING[choice] } : d;
  });
  return {
    ...scenario,
    connection: { ...s.connection, keychainAvailable },
    target: { ...s.target, existingVmNames: (s.target?.existingVmNames ?? []).filter((n) => n !== ownVmName) },
    restorePoint: { ...s.restorePoint, disks },
    options: {
      ...s.options,
      name: request.kind === 'full-vm' ? (request.name ?? null) : null,
      powerOn: request.powerOn,
      verify: request.verify,
      encryption: request.encryption,
      storagePolicy: request.storagePolicy ?? null,
      hardwareVersion: request.hardwareVersion ?? null,
      networkMap: request.networkMap,
      diskMap: request.diskMap,
      addAsNew: request.addAsNew,
      powerOffTarget: request.powerOffTarget,
      importedVm: { firmware: null, guestId: null, controller: null, ...request.importedVm },
    },
  };
}

function provisioningChoice(request: RestoreRequest, key: number) {
  return request.diskProvisioning[String(key)] ?? request.diskProvisioning['*'];
}

/** Restored disk provisioning chosen per restore-point disk key (absent: as in the backup). */
export function provisioningChoices(
  request: RestoreRequest,
  diskKeys: readonly number[],
): Record<number, 'thin' | 'lazyzeroed' | 'eagerzeroed'> {
  const out: Record<number, 'thin' | 'lazyzeroed' | 'eagerzeroed'> = {};
  for (const key of diskKeys) {
    const choice = provisioningChoice(request, key);
    if (choice && choice !== 'as-source') out[key] = PROVISIONING[choice];
  }
  return out;
}

export function newJobId(): string {
  return `restore-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
}

export interface RunLiveRestoreOptions {
  home: string;
  jobId: string;
  vddk: VddkSetup;
  /** Resume from this job's checkpoint instead of starting fresh. */
  resume: boolean;
  signal?: AbortSignal;
  onProgress?: (p: RestoreProgress) => void;
  /** At most this many disk streams at once (a recovery's share of the host's cap). */
  maxStreams?: number;
}

export interface LiveRestoreResult {
  report: RestoreReport;
  /** Where the report was saved; null when it could not be (then `reportProblem` says why and the caller shows the report). */
  reportFiles: { json: string; html: string } | null;
  reportProblem?: string;
}

/** Saves the JSON and HTML report beside the checkpoint; a full or read-only folder is reported, never thrown. */
async function saveReport(
  home: string,
  jobId: string,
  report: RestoreReport,
): Promise<Pick<LiveRestoreResult, 'reportFiles' | 'reportProblem'>> {
  const base = join(homePaths.jobs(home), `${jobId}-report`);
  try {
    await writeFileAtomic(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
    await writeFileAtomic(`${base}.html`, renderReportHtml(report));
    return { reportFiles: { json: `${base}.json`, html: `${base}.html` } };
  } catch (err) {
    return {
      reportFiles: null,
      reportProblem: `the report could not be saved in ${homePaths.jobs(home)}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** Runs a prepared restore against vCenter/ESXi through VDDK and writes the report next to the checkpoint. */
export async function runLiveRestore(
  prepared: PreparedRestore,
  deps: LiveRestoreDeps,
  options: RunLiveRestoreOptions,
): Promise<LiveRestoreResult> {
  const { request, point, session, plan } = prepared;
  const profile = await deps.connections.get(request.connection);
  if (!profile) throw new Error(`There is no saved connection named "${request.connection}".`);
  const password = await requireConnectionPassword(profile, deps.secrets);
  const address = parseServerUrl(profile.url);
  const checkpoint = options.resume
    ? await RestoreCheckpointFile.load(options.home, options.jobId)
    : await RestoreCheckpointFile.create(options.home, { jobId: options.jobId, request, vm: null, cbtWasOn: null, phases: [], disks: {} });
  const sessionOptions = { vddkDir: options.vddk.dir, extraConfigText: options.vddk.extraConfigText, tmpDirectory: options.vddk.tmpDirectory };
  const connect = { server: address.host, port: address.port, thumbprint: profile.thumbprintSha1, userName: profile.user, password };
  // STEP-HOTADD-CLEANUP: before this job (new or --resume) opens a disk, clean up what an earlier
  // one that stopped uncleanly left attached; in a session of its own, with the shared tmpDirectory.
  const startCleanup = await VddkSession.cleanupInFreshSession(sessionOptions, connect);
  const vddk = await VddkSession.start(sessionOptions);
  try {
    let existingVm: { moref: string; name: string } | undefined;
    if (request.kind === 'disks') {
      const found = (await listVms(session)).find((v) => v.name === (request.intoVm ?? point.manifest.vm.name));
      if (!found)
        throw new Error(`VM "${request.intoVm ?? point.manifest.vm.name}" not found on ${prepared.server} for a disk restore`);
      existingVm = { moref: found.ref.value, name: found.name };
    }
    const target = new VsphereRestoreTarget({
      session,
      vddk,
      connect,
      description: `${profile.apiType === 'VirtualCenter' ? 'vCenter' : 'ESXi host'} ${profile.server}`,
      diskMatch:
        request.kind === 'full-vm'
          ? {
              by: 'slot',
              slots: new Map(
                point.manifest.disks.map((d) => [d.key, { bus: d.controller.busNumber, unit: d.controller.unitNumber }]),
              ),
            }
          : { by: 'key' },
    });
    // A shared lock keeps prune from deleting packs under the restore; losing it cancels the job (closing steps still run).
    const outcome = await prepared.repo.withSharedLock(
      `restore of ${point.manifest.vm.name} (job ${options.jobId})`,
      (lockSignal) =>
        runRestoreJob(
          {
            jobId: options.jobId,
            kind: request.kind,
            manifest: point.manifest,
            openPointDisk: async (key) => point.disk(key),
            nvram: async () => (await point.readNvram())?.data ?? null,
            plan,
            placement:
              request.kind === 'full-vm'
                ? {
                    name: plan.vmName,
                    datastore: request.datastore,
                    host: request.host,
                    folder: request.vmFolder,
                    resourcePool: request.resourcePool,
                    networkMap: request.networkMap,
                    encryption: request.encryption,
                    // The user's pick; the target falls back exactly as the plan says (saved, else the encryption sample policy).
                    storagePolicy: request.storagePolicy,
                    hardwareVersion: plan.hardwareVersion ?? undefined,
                    importedVm: request.importedVm,
                    // Each disk where the plan put it (plan == run).
                    diskDatastores: Object.fromEntries(plan.disks.map((d) => [d.key, d.datastore])),
                    diskProvisioning: provisioningChoices(
                      request,
                      point.manifest.disks.map((d) => d.key),
                    ),
                  }
                : undefined,
            existingVm,
            addAsNewDisks: request.kind === 'disks' && request.addAsNew ? { datastore: request.datastore } : undefined,
            identity: `Lifeboat ${options.jobId}`.slice(0, 50),
            powerOffTarget: request.powerOffTarget,
          },
          {
            target,
            checkpoint,
            signal: options.signal ? AbortSignal.any([options.signal, lockSignal]) : lockSignal,
            onProgress: options.onProgress,
            maxStreams: options.maxStreams,
          },
        ),
    );
    const report = buildRestoreReport({
      jobId: options.jobId,
      kind: request.kind,
      target: target.description,
      repository: request.repo,
      pointId: point.id,
      pointCreatedAt: (point.manifest as { createdAt?: string }).createdAt ?? null,
      plan,
      outcome,
      reason: request.reason,
      vddkCalls: mergeVddkCallSummaries(startCleanup.vddkCalls ?? {}, vddk.callStats()),
    });
    return { report, ...(await saveReport(options.home, options.jobId, report)) };
  } finally {
    await vddk.close().catch(() => undefined);
  }
}
