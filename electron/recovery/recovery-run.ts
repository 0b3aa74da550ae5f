import { createHash, randomBytes } from 'node:crypto';
import type { RecoveryPlanView, RecoveryProgress, RecoveryRunResult } from '../api/schemas/recovery-schema';
import { RestoreRequest } from '../api/schemas/restore-request';
import { BadInputError, CancelledError, LifeboatError, PlanBlockedError } from '../errors/lifeboat-error';
import { RecoveryCheckpointFile, type RecoveryCheckpoint, type RecoveryVmRecord } from './recovery-checkpoint';
import { buildRecoveryReport, saveRecoveryReport } from './recovery-report';
import type { RecoveryRunDeps, RecoveryVmError } from './recovery-run-port';
import { HostStreamMeter, recoveryProgress } from './recovery-run-progress';
import { RecoveryScheduler, streamCap, streamClassOf, type SchedulerGroup, type VmStart } from './recovery-scheduler';

export interface RunRecoveryOptions {
  /** The id of a new recovery job (default: a fresh one). */
  jobId?: string;
  /** Continue this recovery job: finished VMs are skipped, started ones resume from their checkpoints. */
  resumeJobId?: string;
  signal?: AbortSignal;
  /** Called once the job id is known, before anything changes on the target. */
  onStart?: (info: { jobId: string; plan: RecoveryPlanView }) => void;
  onProgress?: (progress: RecoveryProgress) => void;
}

export function newRecoveryJobId(): string {
  return `recovery-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
}

/**
 * The plan a resume runs: the one the job was started with (and the user
 * confirmed), never a new plan of the file, in which the VMs the job already
 * made would be "names taken". The file's text must still hash the same.
 */
export async function resumePlan(home: string, jobId: string, fileText: string): Promise<RecoveryPlanView> {
  const saved = (await RecoveryCheckpointFile.load(home, jobId)).data;
  return { ...saved.plan, sourceSha256: createHash('sha256').update(fileText).digest('hex') };
}

/** Wakes the run loop when a VM ends, the user cancels or a group's delay is over. */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | null = null;
  notify(): void {
    this.pending = true;
    this.resolve?.();
  }
  wait(untilMs: number | null): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((done) => {
      const timer = untilMs === null ? null : setTimeout(() => this.notify(), Math.max(0, untilMs - Date.now()));
      this.resolve = () => {
        if (timer) clearTimeout(timer);
        this.resolve = null;
        this.pending = false;
        done();
      };
    });
  }
}

function vmRecords(plan: RecoveryPlanView): RecoveryVmRecord[] {
  return plan.groups.flatMap((g) =>
    g.vms.map((v) => ({
      group: g.name,
      vm: v.vm,
      vmName: v.vmName,
      host: v.host,
      request: v.request as Record<string, unknown>,
      restoreJobId: null,
      state: 'waiting' as const,
      streams: 0,
      bytesDone: 0,
      bytesTotal: v.bytesToWrite,
      startedAt: null,
      finishedAt: null,
      poweredOn: false,
      runs: 0,
      error: null,
    })),
  );
}

/** Opens the checkpoint of a resumed job: the same file (by hash), finished VMs kept, every other VM waiting again. */
async function resumeCheckpoint(plan: RecoveryPlanView, home: string, jobId: string): Promise<RecoveryCheckpointFile> {
  const cp = await RecoveryCheckpointFile.load(home, jobId);
  if (cp.data.sourceSha256 !== plan.sourceSha256) {
    throw new BadInputError(
      `recovery ${jobId} was started from a different version of ${cp.data.source} (its SHA-256 was ${cp.data.sourceSha256.slice(0, 12)}…, now ${plan.sourceSha256.slice(0, 12)}…); nothing was changed`,
      'recovery-plan-changed',
      'Resume with the file as it was when the job started, or start a new recovery without --resume.',
    );
  }
  const now = new Date().toISOString();
  await cp.update((s) => {
    s.state = 'running';
    s.runs.push({ startedAt: now, finishedAt: null });
    for (const v of s.vms) {
      if (v.state === 'succeeded') v.finishedEarlier = true;
      else {
        v.state = 'waiting';
        v.error = null;
        v.finishedAt = null;
      }
    }
  });
  return cp;
}

function errorOf(err: unknown): RecoveryVmError {
  if (err instanceof LifeboatError)
    return {
      code: err.code,
      message: err.message,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.rule ? { rule: err.rule } : {}),
    };
  return { code: 'restore-failed', message: err instanceof Error ? err.message : String(err) };
}

function schedulerGroups(plan: RecoveryPlanView, cp: RecoveryCheckpoint): SchedulerGroup[] {
  return plan.groups.map((g) => ({
    name: g.name,
    waitFor: g.waitFor,
    delaySeconds: g.delaySeconds,
    stopOnFailure: g.stopOnFailure,
    vms: g.vms.map((v) => {
      const written = v.transports.filter((t) => t !== null).length;
      return {
        key: v.vmName,
        host: cp.vms.find((r) => r.vmName === v.vmName)?.host ?? v.host,
        streamClass: streamClassOf(v.transports),
        disks: Math.max(1, written),
        planStreams: v.streams,
        bytesToWrite: v.bytesToWrite,
        powerOn: v.powerOn,
      };
    }),
  }));
}

/** Per host: the smallest cap among the transports of the VMs it takes (what the scheduler holds it to). */
function hostCaps(groups: SchedulerGroup[], plan: RecoveryPlanView): Map<string, number> {
  const caps = new Map<string, number>();
  for (const vm of groups.flatMap((g) => g.vms)) {
    const host = vm.host ?? '(host not known)';
    caps.set(host, Math.min(caps.get(host) ?? Infinity, streamCap(vm.streamClass, plan.limits)));
  }
  return caps;
}

/**
 * Runs a planned recovery as one job: the VMs' restores group by group within
 * the per-host caps (the scheduler decides), every VM's restore job id saved
 * before it starts, so a kill -9 and `--resume` continues each VM from its own
 * checkpoint and never creates one twice. Cancel stops new starts and cancels
 * the running restores (their closing steps run); the checkpoint is kept.
 */
export async function runRecovery(
  plan: RecoveryPlanView,
  deps: RecoveryRunDeps,
  options: RunRecoveryOptions = {},
): Promise<RecoveryRunResult> {
  const block =
    plan.findings.find((f) => f.severity === 'block') ??
    plan.groups
      .flatMap((g) => g.vms)
      .flatMap((v) => v.findings)
      .find((f) => f.severity === 'block');
  if (!plan.ok)
    throw new PlanBlockedError(
      `the recovery plan is blocked${block ? ` by ${block.rule}: ${block.message}` : ''}; nothing was changed`,
      block?.rule,
      block?.remedy,
    );
  const startedAt = new Date().toISOString();
  const jobId = options.resumeJobId ?? options.jobId ?? newRecoveryJobId();
  const cp = options.resumeJobId
    ? await resumeCheckpoint(plan, deps.home, options.resumeJobId)
    : await RecoveryCheckpointFile.create(deps.home, {
        jobId,
        name: plan.name,
        source: plan.source,
        sourceSha256: plan.sourceSha256,
        state: 'running',
        plan,
        vms: vmRecords(plan),
        groups: plan.groups.map((g) => ({ name: g.name, startedAt: null, upAt: null })),
        runs: [{ startedAt, finishedAt: null }],
        startedAt,
      });
  options.onStart?.({ jobId, plan: cp.data.plan });
  const unmark = deps.markRunning ? await deps.markRunning(deps.home, jobId) : async () => undefined;
  try {
    return await runJob(cp, deps, options, Date.parse(startedAt));
  } finally {
    await unmark();
  }
}

async function runJob(
  cp: RecoveryCheckpointFile,
  deps: RecoveryRunDeps,
  options: RunRecoveryOptions,
  runStart: number,
): Promise<RecoveryRunResult> {
  const plan = cp.data.plan;
  const groups = schedulerGroups(plan, cp.data);
  const succeeded = new Map(
    cp.data.vms.filter((v) => v.state === 'succeeded').map((v) => [v.vmName, { poweredOn: v.poweredOn }]),
  );
  const groupsUp = new Set(cp.data.groups.filter((g) => g.upAt).map((g) => g.name));
  const scheduler = new RecoveryScheduler(groups, plan.limits, { succeeded, groupsUp });
  const meter = new HostStreamMeter(hostCaps(groups, plan));
  const wakeup = new Wakeup();
  const delayed = new Set<string>();
  const controller = new AbortController();
  const onAbort = () => {
    controller.abort(options.signal?.reason ?? new CancelledError());
    scheduler.stop();
    wakeup.notify();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  let lastEmit = 0;
  const emit = (force: boolean) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastEmit < 250)) return;
    lastEmit = now;
    options.onProgress(recoveryProgress(cp.data as RecoveryCheckpoint, meter, delayed, null));
  };

  const markGroups = (at: string) =>
    cp.update((s) => {
      for (const g of s.groups) if (!g.upAt && scheduler.groupUp(g.name)) g.upAt = at;
    });

  const runVm = async (start: VmStart): Promise<void> => {
    const record = cp.vm(start.key);
    const resumeJobId =
      record.restoreJobId && (await deps.restore.jobExists(record.restoreJobId)) ? record.restoreJobId : undefined;
    const restoreJobId = resumeJobId ?? record.restoreJobId ?? deps.restore.newJobId();
    const at = new Date().toISOString();
    meter.open(start.host, start.streams, Date.now());
    // Recorded (and on disk) before the restore starts: a resume continues this job, never makes the VM again.
    await cp.update((s) => {
      const v = s.vms.find((x) => x.vmName === start.key)!;
      Object.assign(v, {
        state: 'running',
        restoreJobId,
        streams: start.streams,
        startedAt: at,
        finishedAt: null,
        runs: v.runs + 1,
      });
      const g = s.groups.find((x) => x.name === start.group)!;
      g.startedAt ??= at;
    });
    emit(true);
    let result: 'succeeded' | 'failed' | 'cancelled';
    let poweredOn = false;
    let error: RecoveryVmError | null = null;
    try {
      const request = RestoreRequest.parse(record.request);
      const out = await deps.restore.start(request, {
        ...(resumeJobId ? { resumeJobId } : { jobId: restoreJobId }),
        signal: controller.signal,
        maxStreams: start.streams,
        onProgress: (p) => {
          if (p.pass !== 'write') return;
          cp.touch((s) =>
            Object.assign(
              s.vms.find((x) => x.vmName === start.key)!,
              { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal },
            ),
          );
          emit(false);
        },
      });
      result = out.outcome;
      poweredOn = out.poweredOn;
      error =
        out.errors[0] ??
        (out.outcome === 'failed' ? { code: 'restore-failed', message: `the restore of ${start.key} failed` } : null);
    } catch (err) {
      result = controller.signal.aborted ? 'cancelled' : 'failed';
      error = errorOf(err);
    }
    const end = new Date().toISOString();
    meter.close(start.host, start.streams, Date.now());
    scheduler.ended(start.key, result, Date.now(), poweredOn);
    await cp.update((s) => {
      const v = s.vms.find((x) => x.vmName === start.key)!;
      Object.assign(v, { state: result, poweredOn, finishedAt: end, error });
      if (result === 'succeeded') v.bytesDone = v.bytesTotal;
    });
    await markGroups(end);
    emit(true);
  };

  const running = new Set<Promise<void>>();
  for (;;) {
    const decision = scheduler.next(Date.now());
    for (const start of decision.start) {
      const p: Promise<void> = runVm(start).finally(() => {
        running.delete(p);
        wakeup.notify();
      });
      running.add(p);
    }
    delayed.clear();
    if (decision.wakeAt !== null) for (const g of cp.data.groups) if (g.upAt && !groupsUp.has(g.name)) delayed.add(g.name);
    if (decision.finished && running.size === 0) break;
    await markGroups(new Date().toISOString());
    emit(decision.start.length > 0);
    await wakeup.wait(decision.wakeAt);
  }
  options.signal?.removeEventListener('abort', onAbort);

  const finishedAt = new Date().toISOString();
  await cp.update((s) => {
    for (const v of s.vms) if (v.state === 'waiting') v.state = 'skipped';
    s.state = controller.signal.aborted ? 'cancelled' : s.vms.every((v) => v.state === 'succeeded') ? 'succeeded' : 'failed';
    s.runs[s.runs.length - 1]!.finishedAt = finishedAt;
  });
  const progress = recoveryProgress(cp.data as RecoveryCheckpoint, meter, delayed, finishedAt);
  const hostUtilisation = meter.utilisation(Date.parse(finishedAt) - runStart, Date.parse(finishedAt));
  const report = buildRecoveryReport(cp.data as RecoveryCheckpoint, progress, hostUtilisation);
  const files = await saveRecoveryReport(deps.home, cp.data.jobId, report);
  options.onProgress?.(progress);
  return { ...progress, ok: progress.state === 'succeeded', hostUtilisation, report: files };
}
