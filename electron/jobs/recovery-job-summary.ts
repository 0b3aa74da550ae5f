import { access } from 'node:fs/promises';
import { RecoveryCheckpointFile, recoveryJobPaths } from '../recovery/recovery-checkpoint';
import { isJobRunning } from './job-liveness';
import type { JobSummary } from './job-summary';

/**
 * A recovery job (a folder `<jobs>/<id>/` with `recovery.json`) as the job
 * list shows it; null when the id is not one. A checkpoint still "running"
 * whose process is gone was killed: interrupted, resumable with
 * `lifeboat recovery run FILE --resume ID`.
 */
export async function recoveryJobSummary(home: string, jobId: string): Promise<JobSummary | null> {
  const cp = await RecoveryCheckpointFile.read(home, jobId);
  if (!cp) return null;
  const running = await isJobRunning(home, jobId);
  const state = running ? 'running' : cp.state === 'running' ? 'interrupted' : cp.state;
  const files = recoveryJobPaths.report(home, jobId);
  const hasReport = await access(files.json).then(
    () => true,
    () => false,
  );
  const lastRun = cp.runs[cp.runs.length - 1];
  return {
    id: jobId,
    kind: 'recovery',
    restoreKind: null,
    state,
    vm: `${cp.name} (${cp.vms.length} VMs)`,
    restoredVm: null,
    connection: cp.plan.connection,
    reason: null,
    pointId: null,
    startedAt: cp.startedAt,
    finishedAt: state === 'succeeded' || state === 'failed' || state === 'cancelled' ? (lastRun?.finishedAt ?? null) : null,
    reportFiles: hasReport ? files : null,
    checkpointFile: recoveryJobPaths.checkpoint(home, jobId),
    resumable: state === 'failed' || state === 'cancelled' || state === 'interrupted',
    problem: null,
  };
}
