import { ApiError } from '../api/api-dispatcher';
import type { EnvironmentFacts } from '../api/schemas/environment-schema';
import type { RestorePlanInput, RestorePlanView, RestoreStartInput } from '../api/schemas/restore-schema';
import type { ConnectionStore } from '../connections/connection-store';
import { MissingCredentialError } from '../connections/open-connection';
import type { SecretStore } from '../keychain/secret-store';
import type { Plan } from '../planner/plan-types';
import type { RestoreProgress } from '../restore/restore-job';
import { RESTORE_PHASES } from '../restore/restore-phases';
import { newJobId, prepareRestore, runLiveRestore, type LiveRestoreDeps, type PreparedRestore, type RestoreRequest } from '../restore/restore-runner';
import { resolveVddkSetup, VddkNotFoundError, type VddkSetup } from '../vddk/vddk-setup';
import type { JobRegistry } from './job-registry';
import { repositoryApiError, type RepositoryHandlers } from './repository-handlers';

export interface RestoreHandlerDeps {
  home: string;
  repositories: RepositoryHandlers;
  connections: ConnectionStore;
  secrets: SecretStore;
  environment: () => Promise<EnvironmentFacts>;
  jobs: JobRegistry;
  /** Tests may hand in a VDDK setup; by default it is resolved from settings and the environment for each start. */
  vddk?: () => Promise<VddkSetup>;
}

/** The plan as the UI shows it (the output schema drops the rest). */
export function planView(plan: Plan): RestorePlanView {
  return {
    ok: plan.ok,
    vm: plan.vm,
    vmName: plan.vmName,
    powerOn: plan.powerOn,
    encryption: plan.encryption,
    storagePolicy: plan.storagePolicy,
    hardwareVersion: plan.hardwareVersion,
    networks: plan.networks,
    restoreKind: plan.restoreKind,
    transportOption: plan.transportOption,
    disks: plan.disks.map((d) => ({
      key: d.key,
      label: d.label,
      transport: d.transport,
      excluded: Object.fromEntries(Object.entries(d.excluded).map(([t, rules]) => [t, rules ?? []])),
      chosenBy: d.chosenBy,
      why: d.why,
      restoredProvisioning: d.restoredProvisioning,
      bytesToWrite: d.bytesToWrite,
      firstWriteAllocates: d.firstWriteAllocates,
      ...(d.targetDisk !== undefined ? { targetDisk: d.targetDisk } : {}),
    })),
    findings: plan.findings.map((f) => ({ rule: f.rule, severity: f.severity, disk: f.disk, message: f.message, remedy: f.remedy, transport: f.transport })),
    steps: plan.steps.map((s) => ({ rule: s.rule, order: s.order, description: s.description, disk: s.disk })),
    rulesApplied: plan.rulesApplied,
  };
}

const phaseTitle = (phase: string): string => RESTORE_PHASES.find((p) => p.phase === phase)?.title ?? phase;

/** restore.plan and restore.start: live facts → the planner → (unless blocked) a restore job in the registry. */
export class RestoreHandlers {
  constructor(private readonly deps: RestoreHandlerDeps) {}

  private liveDeps(repositoryId: string): { live: LiveRestoreDeps; path: string } {
    const { repo, path } = this.deps.repositories.get(repositoryId);
    return { live: { repo, connections: this.deps.connections, secrets: this.deps.secrets, environment: this.deps.environment }, path };
  }

  private async prepare(input: RestorePlanInput, extra: Pick<RestoreRequest, 'verify' | 'encryption'>): Promise<{ prepared: PreparedRestore; live: LiveRestoreDeps }> {
    const { live, path } = this.liveDeps(input.repositoryId);
    const request: RestoreRequest = {
      repo: path,
      point: input.pointId,
      connection: input.connection,
      datastore: input.datastore,
      host: input.host,
      name: input.name,
      transport: input.transport,
      kind: 'full-vm',
      ...extra,
    };
    try {
      return { prepared: await prepareRestore(request, live), live };
    } catch (err) {
      if (err instanceof MissingCredentialError)
        throw new ApiError(err.message, 'missing-credential', undefined, 'Add the connection again on the Connections page to save its password.');
      return repositoryApiError(err);
    }
  }

  async plan(input: RestorePlanInput): Promise<RestorePlanView> {
    const { prepared } = await this.prepare(input, { verify: true, encryption: 'keep' });
    await prepared.close().catch(() => undefined);
    return planView(prepared.plan);
  }

  async start(input: RestoreStartInput): Promise<{ jobId: string }> {
    const vddk = await (this.deps.vddk ?? (() => resolveVddkSetup({ home: this.deps.home })))().catch((err: unknown) => {
      if (err instanceof VddkNotFoundError) throw new ApiError(err.message, 'vddk-not-found', undefined, 'See the About page for where Lifeboat looked for VDDK.');
      throw err;
    });
    const { prepared, live } = await this.prepare(input, { verify: input.verify, encryption: input.encryption });
    const block = prepared.plan.findings.find((f) => f.severity === 'block');
    if (!prepared.plan.ok) {
      await prepared.close().catch(() => undefined);
      throw new ApiError(`the plan is blocked${block ? ` by ${block.rule}: ${block.message}` : ''}; nothing was changed`, 'plan-blocked', block?.rule, block?.remedy);
    }
    const jobId = newJobId();
    const target = input.name ?? `${prepared.plan.vm}-restored`;
    const job = this.deps.jobs.start({
      id: jobId,
      kind: 'restore',
      title: `Restore ${prepared.plan.vm} as ${target} (${input.connection}, ${input.datastore})`,
      phase: 'running',
      step: 'Starting',
      bytesDone: 0,
      bytesTotal: prepared.plan.disks.reduce((n, d) => n + d.bytesToWrite, 0),
      bytesPerSecond: 0,
      etaSeconds: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      findings: prepared.plan.findings.filter((f) => f.severity !== 'info').map((f) => ({ rule: f.rule, severity: f.severity, message: f.message })),
    });
    let writeStart = 0;
    const onProgress = (p: RestoreProgress): void => {
      if (p.phase === 'write-disks' && writeStart === 0) writeStart = Date.now();
      const seconds = writeStart ? (Date.now() - writeStart) / 1000 : 0;
      const rate = p.phase === 'write-disks' && seconds > 0.2 ? p.bytesDone / seconds : 0;
      const eta = rate > 0 ? Math.max(0, Math.round((p.bytesTotal - p.bytesDone) / rate)) : null;
      job.update({ step: phaseTitle(p.phase), bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, bytesPerSecond: Math.round(rate), etaSeconds: eta });
    };
    void runLiveRestore(prepared, live, { home: this.deps.home, jobId, vddk, resume: false, signal: job.signal, onProgress })
      .then(({ report, reportFiles }) => {
        const seconds = writeStart ? (Date.now() - writeStart) / 1000 : 0;
        const phase = report.outcome === 'succeeded' ? 'succeeded' : report.outcome === 'cancelled' ? 'cancelled' : 'failed';
        job.update({
          phase,
          step: null,
          etaSeconds: null,
          // The final speed is the average over the whole copy (write and verify).
          ...(seconds > 0 ? { bytesPerSecond: Math.round(report.disks.reduce((n, d) => n + d.bytesWritten, 0) / seconds) } : {}),
          finishedAt: new Date().toISOString(),
          error: report.errors.length ? report.errors.join('; ') : null,
          reportPath: reportFiles.html,
          outcome: `${report.vm}${report.restoredVm ? ` → ${report.restoredVm.name}` : ''}: ${report.outcome} in ${report.durationSeconds.toFixed(1)} s`,
        });
      })
      .catch((err: unknown) => {
        job.update({ phase: job.signal.aborted ? 'cancelled' : 'failed', step: null, etaSeconds: null, finishedAt: new Date().toISOString(), error: (err as Error).message ?? String(err) });
      })
      .finally(() => void prepared.close().catch(() => undefined));
    return { jobId };
  }
}
