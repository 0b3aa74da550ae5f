import type { EnvironmentFacts } from '../api/schemas/environment-schema';
import type { RestoreRequest } from '../api/schemas/restore-request';
import type { RestorePlanInput, RestorePlanView, RestoreStartInput } from '../api/schemas/restore-schema';
import type { ConnectionStore } from '../connections/connection-store';
import type { SecretStore } from '../keychain/secret-store';
import type { Plan } from '../planner/plan-types';
import { ruleEntry } from '../planner/rule-catalogue';
import { newJobId } from '../restore/restore-runner';
import { resolveVddkSetup, type VddkSetup } from '../vddk/vddk-setup';
import type { JobRegistry } from './job-registry';
import type { RepositoryHandlers } from './repository-handlers';
import type { RestoreJobProgress } from './restore-progress';
import { finalChecklist, runningChecklist } from './restore-checklist';
import { RestoreService } from './restore-service';

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
    estimate: plan.estimate,
    verify: plan.verify,
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
    findings: plan.findings.map((f) => ({ rule: f.rule, severity: f.severity, disk: f.disk, message: f.message, remedy: f.remedy, transport: f.transport, ruleTitle: ruleEntry(f.rule).title, ...(f.fix ? { fix: f.fix } : {}) })),
    steps: plan.steps.map((s) => ({ rule: s.rule, order: s.order, phase: s.phase, description: s.description, disk: s.disk })),
    rulesApplied: plan.rulesApplied,
  };
}

/** restore.plan and restore.start: the restore service behind the API; this adapter maps the repository id and mirrors the job. */
export class RestoreHandlers {
  private readonly service: RestoreService;

  constructor(private readonly deps: RestoreHandlerDeps) {
    this.service = new RestoreService({
      home: deps.home,
      connections: deps.connections,
      secrets: deps.secrets,
      environment: deps.environment,
      openRepository: (path) => deps.repositories.openedAt(path),
      vddk: async () => (this.deps.vddk ?? (() => resolveVddkSetup({ home: this.deps.home })))(),
    });
  }

  private request(input: RestorePlanInput): RestoreRequest {
    const { repositoryId, ...rest } = input;
    return { ...rest, repo: this.deps.repositories.get(repositoryId).path };
  }

  async plan(input: RestorePlanInput): Promise<RestorePlanView> {
    return planView(await this.service.plan(this.request(input)));
  }

  async start(input: RestoreStartInput): Promise<{ jobId: string }> {
    // VDDK is resolved before anything else, so "VDDK not found" is an answer to start, not a failed job.
    await this.service.vddkSetup();
    return this.launch(this.request(input));
  }

  /** Continues an interrupted or failed job from its checkpoint: the saved request, the same job id (as `lifeboat restore --resume`). */
  async resume(jobId: string): Promise<{ jobId: string }> {
    const request = await this.service.savedRequest(jobId);
    await this.service.vddkSetup();
    return this.launch(request, jobId);
  }

  /** Plans, refuses what cannot run, then runs the job in the background (VDDK was checked by the caller). */
  private async launch(request: RestoreRequest, resumeJobId?: string): Promise<{ jobId: string }> {
    const input = request;
    const prepared = await this.service.prepare(request, resumeJobId);
    try {
      this.service.assertRunnable(prepared.plan, request);
    } catch (err) {
      await prepared.close().catch(() => undefined);
      throw err;
    }
    const { plan } = prepared;
    const jobId = resumeJobId ?? newJobId();
    const job = this.deps.jobs.start({
      id: jobId,
      kind: 'restore',
      title: `Restore ${plan.vm} as ${plan.vmName} (${input.connection}, ${input.datastore})`,
      step: 'Starting',
      bytesTotal: plan.disks.reduce((n, d) => n + d.bytesToWrite, 0),
      findings: plan.findings.filter((f) => f.severity !== 'info').map((f) => ({ rule: f.rule, severity: f.severity, message: f.message })),
      checklist: runningChecklist(plan, null),
      connection: input.connection,
    });
    const onProgress = (p: RestoreJobProgress): void =>
      job.update({
        step: p.step,
        bytesDone: p.bytesDone,
        bytesTotal: p.bytesTotal,
        bytesPerSecond: p.bytesPerSecond,
        etaSeconds: p.etaSeconds,
        pass: p.pass,
        disks: p.disks,
        checklist: runningChecklist(plan, p.phase),
      });
    void this.service
      .run(prepared, { jobId, resumeJobId, signal: job.signal, onProgress })
      .then(({ report, reportFiles, reportProblem }) => {
        const phase = report.outcome === 'succeeded' ? 'succeeded' : report.outcome === 'cancelled' ? 'cancelled' : 'failed';
        const written = report.disks.reduce((n, d) => n + d.bytesWritten, 0);
        job.update({
          phase,
          step: null,
          etaSeconds: null,
          // The final speed is the average over the whole job.
          ...(report.durationSeconds > 0 ? { bytesPerSecond: Math.round(written / report.durationSeconds) } : {}),
          finishedAt: new Date().toISOString(),
          error: [...report.errors, ...(reportProblem ? [reportProblem] : [])].join('; ') || null,
          ...(reportFiles ? { reportPath: reportFiles.html } : {}),
          checklist: finalChecklist(report),
          ...(report.restoredVm ? { restoredVm: report.restoredVm.name } : {}),
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
