import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RestoreRequest } from '../../../electron/api/schemas/restore-request';
import type { RecoveryPlanView } from '../../../electron/api/schemas/recovery-schema';
import { listJobs, showJob } from '../../../electron/jobs/job-list';
import { markJobRunning } from '../../../electron/jobs/job-liveness';
import { RecoveryCheckpointFile } from '../../../electron/recovery/recovery-checkpoint';
import { runRecovery } from '../../../electron/recovery/recovery-run';
import type { RecoveryRestorePort } from '../../../electron/recovery/recovery-run-port';
import { tempDir } from '../repository/repository-fixtures';

const plan: RecoveryPlanView = {
  ok: true,
  name: 'site',
  source: 'site.yaml',
  sourceSha256: 'c'.repeat(64),
  repository: '/repo',
  connection: 'lab',
  limits: { sanStreamsPerHost: 6, nbdStreamsPerHost: 2, hotaddStreamsPerHost: 15 },
  groups: [
    {
      name: 'all',
      waitFor: 'restored',
      delaySeconds: 0,
      stopOnFailure: false,
      estimateSeconds: null,
      vms: [
        {
          group: 'all',
          vm: 'web',
          pointId: 'abcd',
          pointCreatedAt: '2026-11-28T10:00:00Z',
          vmName: 'web',
          request: RestoreRequest.parse({ repo: '/repo', point: 'abcd', connection: 'lab', datastore: 'ds1', name: 'web' }),
          ok: true,
          findings: [],
          host: 'esx1',
          datastore: 'ds1',
          transports: ['nbd'],
          streams: 1,
          bytesToWrite: 1,
          thickBytes: 1,
          thinBytes: 1,
          estimateSeconds: null,
          powerOn: false,
        },
      ],
    },
  ],
  findings: [],
  datastores: [],
  hosts: [],
  estimateSeconds: null,
};

describe('recovery jobs in the job list', () => {
  let home: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = await tempDir('lifeboat-recovery-jobs-'));
    home = `${dir}/home`;
  });
  afterEach(() => cleanup());

  it('lists a recovery as kind recovery: running while marked, interrupted once its process is gone, then its end state', async () => {
    let release: () => void = () => undefined;
    const port: RecoveryRestorePort = {
      newJobId: () => 'restore-x',
      jobExists: async () => false,
      start: () =>
        new Promise(
          (done) =>
            (release = () =>
              done({
                jobId: 'restore-x',
                outcome: 'failed',
                poweredOn: false,
                bytesWritten: 0,
                errors: [{ code: 'restore-failed', message: 'no' }],
              })),
        ),
    };
    let started: () => void = () => undefined;
    const running = new Promise<void>((r) => (started = r));
    const run = runRecovery(
      plan,
      { home, restore: port, markRunning: markJobRunning },
      { jobId: 'recovery-a', onProgress: (p) => p.vms[0]!.state === 'running' && started() },
    );
    await running;
    expect(await listJobs(home)).toEqual([
      expect.objectContaining({ id: 'recovery-a', kind: 'recovery', state: 'running', resumable: false }),
    ]);
    release();
    const result = await run;
    const [job] = await listJobs(home);
    expect(job).toMatchObject({
      id: 'recovery-a',
      kind: 'recovery',
      state: 'failed',
      resumable: true,
      reportFiles: result.report,
    });
    expect((await showJob(home, 'recovery-a')).kind).toBe('recovery');
    // A checkpoint left "running" with no live process: killed (kill -9), so interrupted.
    const cp = await RecoveryCheckpointFile.load(home, 'recovery-a');
    await cp.update((s) => {
      s.state = 'running';
    });
    expect((await listJobs(home))[0]).toMatchObject({ state: 'interrupted', resumable: true });
  });
});
