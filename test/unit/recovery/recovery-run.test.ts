import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecoveryPlanView, RecoveryProgress, RecoveryVmPlan } from '../../../electron/api/schemas/recovery-schema';
import { RestoreRequest } from '../../../electron/api/schemas/restore-request';
import { CancelledError, PlanBlockedError } from '../../../electron/errors/lifeboat-error';
import { RecoveryCheckpointFile, recoveryJobPaths } from '../../../electron/recovery/recovery-checkpoint';
import { createHash } from 'node:crypto';
import { resumePlan, runRecovery } from '../../../electron/recovery/recovery-run';
import type {
  RecoveryRestoreOutcome,
  RecoveryRestorePort,
  RecoveryRestoreStart,
} from '../../../electron/recovery/recovery-run-port';
import { tempDir } from '../repository/repository-fixtures';

const vmPlan = (
  group: string,
  vmName: string,
  host: string,
  bytes: number,
  over: Partial<RecoveryVmPlan> = {},
): RecoveryVmPlan => ({
  group,
  vm: vmName,
  pointId: 'abcd1234',
  pointCreatedAt: '2026-11-28T10:00:00Z',
  vmName,
  request: RestoreRequest.parse({ repo: '/repo', point: 'abcd1234', connection: 'lab', datastore: 'ds1', name: vmName, host }),
  ok: true,
  findings: [],
  host,
  datastore: 'ds1',
  transports: ['nbdssl'],
  streams: 1,
  bytesToWrite: bytes,
  thickBytes: bytes,
  thinBytes: bytes,
  estimateSeconds: 1,
  powerOn: false,
  ...over,
});

function planView(sha = 'a'.repeat(64)): RecoveryPlanView {
  return {
    ok: true,
    name: 'site <b>',
    source: '/plans/site.yaml',
    sourceSha256: sha,
    repository: '/repo',
    connection: 'lab',
    limits: { sanStreamsPerHost: 6, nbdStreamsPerHost: 1, hotaddStreamsPerHost: 15 },
    groups: [
      {
        name: 'dc',
        vms: [vmPlan('dc', 'dc1', 'esx1', 10), vmPlan('dc', 'dc2', 'esx2', 20)],
        waitFor: 'restored',
        delaySeconds: 0,
        stopOnFailure: false,
        estimateSeconds: 1,
      },
      {
        name: 'app',
        vms: [vmPlan('app', 'app1', 'esx1', 30), vmPlan('app', 'app2', 'esx1', 40), vmPlan('app', 'app3', 'esx2', 5)],
        waitFor: 'restored',
        delaySeconds: 0,
        stopOnFailure: false,
        estimateSeconds: 1,
      },
    ],
    findings: [{ rule: 'XPORT-SAN-STREAMS', severity: 'info', message: 'a <script>finding</script>', remedy: 'none' }],
    datastores: [],
    hosts: [],
    estimateSeconds: 2,
  };
}

interface Call {
  vm: string;
  options: RecoveryRestoreStart;
  finish: (o: Partial<RecoveryRestoreOutcome> | Error) => void;
  /** Whether the recovery checkpoint on disk named this restore job when the restore was called. */
  recordedFirst: boolean;
}

/** A restore port the test drives: each start waits until the test finishes it. */
class ScriptedRestores implements RecoveryRestorePort {
  calls: Call[] = [];
  jobs = new Set<string>();
  private n = 0;
  private waiters: Array<() => void> = [];
  /** The recovery checkpoint files to look into when a restore is called. */
  checkpoints: string[] = [];
  newJobId() {
    return `restore-test-${++this.n}`;
  }
  async jobExists(jobId: string) {
    return this.jobs.has(jobId);
  }
  start(request: RestoreRequest, options: RecoveryRestoreStart): Promise<RecoveryRestoreOutcome> {
    const jobId = options.resumeJobId ?? options.jobId!;
    this.jobs.add(jobId);
    return new Promise((resolve, reject) => {
      const finish = (o: Partial<RecoveryRestoreOutcome> | Error) =>
        o instanceof Error
          ? reject(o)
          : resolve({ jobId, outcome: 'succeeded', poweredOn: false, bytesWritten: 1, errors: [], ...o });
      options.signal?.addEventListener('abort', () => reject(new CancelledError()));
      const recordedFirst = this.checkpoints.some((f) => readFileSync(f, 'utf8').includes(`"restoreJobId": "${jobId}"`));
      this.calls.push({ vm: request.name!, options, finish, recordedFirst });
      options.onProgress?.({ pass: 'write', bytesDone: 1, bytesTotal: 2 });
      for (const w of this.waiters.splice(0)) w();
    });
  }
  /** Resolves once `count` restores have started in all. */
  async started(count: number): Promise<Call[]> {
    while (this.calls.length < count) await new Promise<void>((r) => this.waiters.push(r));
    // Let the run record what it has.
    await new Promise((r) => setImmediate(r));
    return this.calls;
  }
  call(vm: string): Call {
    const c = [...this.calls].reverse().find((x) => x.vm === vm);
    if (!c) throw new Error(`${vm} was not started`);
    return c;
  }
}

describe('recovery run (job, checkpoint, resume) over a scripted restore port', () => {
  let home: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = await tempDir('lifeboat-recovery-run-'));
    home = `${dir}/home`;
  });
  afterEach(() => cleanup());

  it('runs group by group within the caps, records each restore job id before it starts, and reports', async () => {
    const restores = new ScriptedRestores();
    const progress: RecoveryProgress[] = [];
    let jobId = '';
    restores.checkpoints = [recoveryJobPaths.checkpoint(home, 'recovery-one')];
    const durable: boolean[] = [];
    const onProgress = (p: RecoveryProgress) => {
      progress.push(p);
      // What progress shows as started is on disk already (a kill -9 right now loses nothing shown).
      const onDisk = readFileSync(recoveryJobPaths.checkpoint(home, 'recovery-one'), 'utf8');
      durable.push(p.vms.filter((v) => v.restoreJobId).every((v) => onDisk.includes(`"restoreJobId": "${v.restoreJobId}"`)));
    };
    const run = runRecovery(
      planView(),
      { home, restore: restores },
      { jobId: 'recovery-one', onStart: (i) => (jobId = i.jobId), onProgress },
    );
    const first = await restores.started(2);
    expect(first.map((c) => c.vm).sort()).toEqual(['dc1', 'dc2']);
    expect(first.every((c) => c.recordedFirst)).toBe(true);
    // The restore job ids are on disk before the restores run.
    const saved = (await RecoveryCheckpointFile.load(home, jobId)).data;
    expect(saved.vms.find((v) => v.vmName === 'dc1')!.restoreJobId).toBe(first.find((c) => c.vm === 'dc1')!.options.jobId);
    expect(saved.vms.every((v) => v.request.repo === '/repo')).toBe(true);
    expect(first.every((c) => c.options.maxStreams === 1)).toBe(true);
    restores.call('dc1').finish({});
    await new Promise((r) => setTimeout(r, 20));
    expect(restores.calls).toHaveLength(2);
    restores.call('dc2').finish({});
    // app: esx1 has cap 1, so app2 (largest) then app1; app3 on esx2 at once.
    const second = await restores.started(4);
    expect(
      second
        .slice(2)
        .map((c) => c.vm)
        .sort(),
    ).toEqual(['app2', 'app3']);
    restores.call('app2').finish({});
    restores.call('app3').finish({
      outcome: 'failed',
      errors: [{ code: 'restore-failed', message: 'disk write failed', rule: 'STEP-WRITE-DISKS' }],
    });
    (await restores.started(5)).at(-1)!.finish({});
    const result = await run;
    expect(result.state).toBe('failed');
    expect(result.ok).toBe(false);
    expect(result.vms.find((v) => v.vmName === 'app3')).toMatchObject({ state: 'failed', error: { rule: 'STEP-WRITE-DISKS' } });
    expect(result.groups.find((g) => g.name === 'dc')!.upAt).not.toBeNull();
    expect(result.groups.find((g) => g.name === 'app')!.upAt).toBeNull();
    expect(result.hostUtilisation.map((h) => [h.host, h.cap, h.peakStreams])).toEqual([
      ['esx1', 1, 1],
      ['esx2', 1, 1],
    ]);
    expect(progress.some((p) => p.vms.some((v) => v.state === 'running' && v.bytesDone === 1))).toBe(true);
    expect(durable.every(Boolean)).toBe(true);
    expect(progress.every((p) => p.hosts.every((h) => h.activeStreams <= h.cap))).toBe(true);
    const report = JSON.parse(await readFile(result.report.json, 'utf8'));
    expect(report.vms.find((v: { vmName: string }) => v.vmName === 'app3').error.rule).toBe('STEP-WRITE-DISKS');
    expect(report.groups[0].secondsUntilUp).toBeGreaterThanOrEqual(0);
    const html = await readFile(result.report.html, 'utf8');
    expect(html).toContain('site &lt;b&gt;');
    expect(html).not.toContain('<script>');
    expect(result.report.json.startsWith(recoveryJobPaths.folder(home, jobId))).toBe(true);
  });

  it('resumes: skips succeeded VMs, resumes started ones with their own restore job, refuses a changed file', async () => {
    const restores = new ScriptedRestores();
    const controller = new AbortController();
    let jobId = '';
    const run = runRecovery(
      planView(),
      { home, restore: restores },
      { signal: controller.signal, onStart: (i) => (jobId = i.jobId) },
    );
    await restores.started(2);
    restores.call('dc1').finish({});
    await new Promise((r) => setTimeout(r, 20));
    controller.abort(new CancelledError());
    const cancelled = await run;
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.vms.find((v) => v.vmName === 'dc2')!.state).toBe('cancelled');
    const dc2Job = cancelled.vms.find((v) => v.vmName === 'dc2')!.restoreJobId!;

    await expect(
      runRecovery(planView('b'.repeat(64)), { home, restore: restores }, { resumeJobId: jobId }),
    ).rejects.toMatchObject({ code: 'recovery-plan-changed' });

    const again = new ScriptedRestores();
    again.jobs = restores.jobs;
    const resumed = runRecovery(planView(), { home, restore: again }, { resumeJobId: jobId });
    const calls = await again.started(1);
    expect(calls.map((c) => c.vm)).toEqual(['dc2']);
    expect(calls[0]!.options.resumeJobId).toBe(dc2Job);
    calls[0]!.finish({});
    for (let n = 2; n <= 4; n++) (await again.started(n)).at(-1)!.finish({});
    const result = await resumed;
    expect(result.state).toBe('succeeded');
    expect(again.calls.map((c) => c.vm)).not.toContain('dc1');
    expect(result.vms.find((v) => v.vmName === 'dc1')!.finishedEarlier).toBe(true);
    expect(result.jobId).toBe(jobId);
  });

  it('a resume runs the plan the job started with, checked against the file text by hash', async () => {
    const text = 'name: site\n';
    const sha = createHash('sha256').update(text).digest('hex');
    const restores = new ScriptedRestores();
    const controller = new AbortController();
    const run = runRecovery(planView(sha), { home, restore: restores }, { jobId: 'recovery-r', signal: controller.signal });
    await restores.started(2);
    controller.abort(new CancelledError());
    await run;
    const again = await resumePlan(home, 'recovery-r', text);
    expect(again.groups.map((g) => g.vms.map((v) => v.vmName))).toEqual([
      ['dc1', 'dc2'],
      ['app1', 'app2', 'app3'],
    ]);
    expect(again.sourceSha256).toBe(sha);
    const changed = await resumePlan(home, 'recovery-r', 'name: site 2\n');
    await expect(runRecovery(changed, { home, restore: restores }, { resumeJobId: 'recovery-r' })).rejects.toMatchObject({
      code: 'recovery-plan-changed',
    });
  });

  it('refuses a blocked plan before anything starts', async () => {
    const restores = new ScriptedRestores();
    const plan = {
      ...planView(),
      ok: false,
      findings: [{ rule: 'DATA-THIN-SPACE', severity: 'block' as const, message: 'ds1 is too small', remedy: 'free space' }],
    };
    await expect(runRecovery(plan, { home, restore: restores })).rejects.toBeInstanceOf(PlanBlockedError);
    expect(restores.calls).toEqual([]);
  });

  it('a restore that throws (blocked at its own plan) fails that VM only', async () => {
    const restores = new ScriptedRestores();
    const run = runRecovery(planView(), { home, restore: restores });
    await restores.started(2);
    restores.call('dc1').finish(new PlanBlockedError('the name is taken', 'DATA-VM-NAME-TAKEN', 'pick another name'));
    restores.call('dc2').finish({});
    for (let n = 3; n <= 5; n++) (await restores.started(n)).at(-1)!.finish({});
    const result = await run;
    expect(result.vms.find((v) => v.vmName === 'dc1')).toMatchObject({
      state: 'failed',
      error: { rule: 'DATA-VM-NAME-TAKEN', hint: 'pick another name' },
    });
    expect(result.vms.filter((v) => v.state === 'succeeded')).toHaveLength(4);
  });
});
