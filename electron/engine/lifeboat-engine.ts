import { apiContract, type ApiContract } from '../api/contract';
import { createDispatcher, type Dispatcher } from '../api/api-dispatcher';
import type { ServerHandlers } from '../api/contract-kit';
import type { EnvironmentFacts } from '../api/schemas/environment-schema';
import { lifeboatHome } from '../config/paths';
import { productInfo } from '../config/product';
import { ConnectionStore } from '../connections/connection-store';
import { SessionSecretStore } from '../connections/session-secrets';
import { BadInputError } from '../errors/lifeboat-error';
import { listConnectionSummaries } from './connection-summaries';
import {
  addConnection,
  listConnectionDatastores,
  listConnectionVms,
  probeServer,
  removeConnection,
  testConnection,
} from '../connections/connection-service';
import { environmentFactsFor } from '../environment/environment-facts';
import type { SecretStore } from '../keychain/secret-store';
import { OsKeychain } from '../keychain/os-keychain';
import { EventHub } from './event-hub';
import { pointDetailsOf } from './point-details';
import { listJobHistory, readJobReport } from './job-history';
import { JobRegistry } from './job-registry';
import { LabHandlers } from './lab-handlers';
import { ExportHandlers } from './export-handlers';
import { pointSummaryOf } from './point-summary';
import { RecentRepositories } from './recent-repositories';
import { VerifyHandlers } from './verify-handlers';
import { listWhatIfScenarios, planWhatIf } from './what-if-handlers';
import { DEMO_PASSWORD, ensureDemoRepository } from '../restore-points/demo-restore-point';
import { join } from 'node:path';
import { RepositoryHandlers } from './repository-handlers';
import { RecoveryHandlers, type RecoveryRunner } from './recovery-handlers';
import { RecoveryService, type RecoveryServiceDeps } from './recovery-service';
import { RestoreHandlers } from './restore-handlers';
import { RestoreService } from './restore-service';
import { BackupHandlers } from './backup-handlers';
import { RestoreTargetHandlers } from './restore-target-handlers';
import { powerOnByName } from './vm-power-handlers';
import { resolveVddkSetup, type VddkSetup } from '../vddk/vddk-setup';

export interface EngineOptions {
  frontDoor: EnvironmentFacts['app']['frontDoor'];
  home?: string;
  secretStore?: SecretStore;
  env?: NodeJS.ProcessEnv;
  /** Tests may fix the VDDK setup restores use; by default it is resolved per restore (settings, then LIFEBOAT_VDDK_DIR). */
  vddk?: () => Promise<VddkSetup>;
  /** Engine unit tests hand in a stand-in recovery service; by default the real one, built on the engine's restore service. */
  recoveryService?: (deps: RecoveryServiceDeps) => RecoveryRunner;
}

/** The engine as the front doors see it: one dispatcher, one event stream. */
export interface LifeboatEngine {
  readonly dispatcher: Dispatcher;
  readonly events: EventHub;
  readonly jobs: JobRegistry;
  readonly home: string;
}

/** Wires the API handlers to the engine's parts. The same engine serves Electron, the browser host and tests. */
export function createEngine(options: EngineOptions): LifeboatEngine {
  const env = options.env ?? process.env;
  const home = options.home ?? lifeboatHome(env);
  const secretStore = options.secretStore ?? new OsKeychain();
  const events = new EventHub();
  const jobs = new JobRegistry(events);
  const product = productInfo();
  const connectionStore = new ConnectionStore(home);
  // Passwords given for this session only (the UI's prompt, CONN-NO-KEYCHAIN) answer before the keychain.
  const sessionSecrets = new SessionSecretStore(secretStore, connectionStore);
  const environmentFacts = (): Promise<EnvironmentFacts> => environmentFactsFor(home, options.frontDoor, secretStore, env);
  const repositories = new RepositoryHandlers(secretStore, env);
  const restores = new RestoreHandlers({
    home,
    repositories,
    connections: connectionStore,
    secrets: sessionSecrets,
    environment: environmentFacts,
    jobs,
    // The engine's env (not only process.env) names the VDDK folder when no setting does.
    vddk: options.vddk ?? (() => resolveVddkSetup({ home, env })),
  });

  // A recovery plan names its repository by folder: it must be open in this session (as for a single restore).
  const openRepository = (path: string) => repositories.openedAt(path);
  const vddk = options.vddk ?? (() => resolveVddkSetup({ home, env }));
  const recoveryDeps: RecoveryServiceDeps = {
    home,
    restore: new RestoreService({ home, connections: connectionStore, secrets: sessionSecrets, environment: environmentFacts, openRepository, vddk }),
    connections: connectionStore,
    secrets: sessionSecrets,
    openRepository,
  };
  const recoveries = new RecoveryHandlers({ home, jobs, events, service: (options.recoveryService ?? ((d) => new RecoveryService(d)))(recoveryDeps) });

  const backups = new BackupHandlers({ home, repositories, connections: connectionStore, secrets: sessionSecrets, jobs, vddk });

  // The wizard's pickers and power-on log in like every other call: a session password (CONN-NO-KEYCHAIN) answers first.
  const targets = new RestoreTargetHandlers(connectionStore, sessionSecrets);
  const lab = new LabHandlers(home, secretStore);
  const recent = new RecentRepositories(home);
  const exports = new ExportHandlers(repositories, jobs);
  const verifies = new VerifyHandlers(repositories, jobs);

  const handlers: ServerHandlers<ApiContract> = {
    app: {
      info: async () => ({ productName: product.productName, version: product.version, frontDoor: options.frontDoor }),
    },
    environment: {
      facts: environmentFacts,
    },
    connections: {
      list: async () => listConnectionSummaries(connectionStore, secretStore),
      probe: async ({ url }) => {
        const p = await probeServer(url, connectionStore);
        return { server: p.server, url: p.url, thumbprintSha256: p.thumbprints.sha256, thumbprintSha1: p.thumbprints.sha1, trust: p.trust };
      },
      add: async (request) => {
        const profile = await addConnection(request, connectionStore, secretStore);
        if (request.savePassword === false) await sessionSecrets.useForConnection(profile.name, request.password);
        const summaries = await listConnectionSummaries(connectionStore, secretStore);
        const added = summaries.find((c) => c.name === profile.name);
        if (!added) throw new Error(`the connection ${profile.name} was not saved`);
        return added;
      },
      test: async ({ name }) => testConnection(name, connectionStore, sessionSecrets),
      remove: async ({ name }) => removeConnection(name, connectionStore, sessionSecrets),
      usePassword: async ({ name, password }) => {
        if (!(await connectionStore.get(name))) {
          throw new BadInputError(`there is no saved connection named "${name}"`, 'connection-not-found', 'Add it on the Connections page first.');
        }
        await sessionSecrets.useForConnection(name, password);
        return { ok: true as const };
      },
    },
    inventory: {
      vms: async ({ connection }) =>
        (await listConnectionVms(connection, connectionStore, sessionSecrets)).map((vm) => ({
          moref: vm.ref.value,
          name: vm.name,
          powerState: vm.powerState,
          guestFamily: vm.guestFamily,
          firmware: vm.firmware,
          diskCount: vm.diskCount,
          encrypted: vm.encrypted,
          hasVtpm: vm.hasVtpm,
          template: vm.template,
        })),
      datastores: async ({ connection }) =>
        (await listConnectionDatastores(connection, connectionStore, sessionSecrets))
          .map((d) => ({ name: d.name, type: d.type, capacityBytes: d.capacityBytes, freeBytes: d.freeBytes, accessible: d.accessible }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      restoreTargets: async ({ connection }) => targets.restoreTargets(connection),
      vmNameInUse: async ({ connection, name }) => targets.vmNameInUse(connection, name),
    },
    vms: {
      powerOn: async ({ connection, name }) => powerOnByName(connectionStore, sessionSecrets, connection, name),
    },
    repositories: {
      open: async (request) => {
        const opened = await repositories.openFolder(request);
        await recent.remember(opened.path);
        return opened;
      },
      pointDetails: async ({ repositoryId, point }) => pointDetailsOf(await repositories.get(repositoryId).repo.loadPoint(point)),
      recent: async () => recent.list(),
      openDemo: async () => {
        // The demo password is public demo material (see `lifeboat demo`), not a secret.
        const demo = await ensureDemoRepository(join(home, 'demo-repository'));
        const opened = await repositories.openFolder({ path: demo.location, password: DEMO_PASSWORD });
        await recent.remember(opened.path);
        return opened;
      },
      pointSummary: async ({ repositoryId, point }) => pointSummaryOf(await repositories.get(repositoryId).repo.loadPoint(point)),
      verify: async ({ repositoryId, readData }) => verifies.start(repositoryId, readData ?? false),
      refresh: async ({ repositoryId }) => repositories.listed(repositoryId),
    },
    export: {
      start: async (request) => exports.start(request),
    },
    restore: {
      plan: async (request) => restores.plan(request),
      start: async (request) => restores.start(request),
      resume: async ({ jobId }) => restores.resume(jobId),
    },
    recovery: {
      plan: async (source) => recoveries.plan(source),
      start: async (source) => recoveries.start(source),
      resume: async ({ jobId }) => recoveries.resume(jobId),
      get: async ({ jobId }) => recoveries.get(jobId),
    },
    backup: {
      plan: async (request) => backups.plan(request),
      start: async (request) => backups.start(request),
    },
    lab: {
      status: async () => lab.status(),
      start: async ({ mode }) => lab.start(mode),
      stop: async () => lab.stop(),
      reset: async () => lab.reset(),
    },
    whatIf: {
      scenarios: async () => listWhatIfScenarios(),
      plan: async ({ scenario }) => planWhatIf(scenario),
    },
    jobs: {
      list: async () => jobs.list(),
      cancel: async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
      history: async () => listJobHistory(home),
      report: async ({ jobId }) => readJobReport(home, jobId),
    },
  };

  return { dispatcher: createDispatcher(apiContract, handlers), events, jobs, home };
}
