import { access } from 'node:fs/promises';
import type { RecoveryPlanView, RecoveryRunResult } from '../api/schemas/recovery-schema';
import { markJobRunning } from '../jobs/job-liveness';
import { runRecovery, type RunRecoveryOptions } from '../recovery/recovery-run';
import { RestoreCheckpointFile } from '../restore/restore-checkpoint';
import { newJobId } from '../restore/restore-runner';
import type { RecoveryRestorePort } from '../recovery/recovery-run-port';
import type { RestoreService } from './restore-service';

/**
 * The recovery's restore port backed by the one restore service: each VM's
 * whole restore (plan, run, closing steps, report) exactly as `lifeboat
 * restore` does it, with the VM's share of its host's stream cap.
 */
export function recoveryRestorePort(restore: RestoreService, home: string): RecoveryRestorePort {
  return {
    newJobId,
    jobExists: async (jobId) =>
      access(RestoreCheckpointFile.path(home, jobId)).then(
        () => true,
        () => false,
      ),
    start: async (request, options) => {
      const result = await restore.start(request, {
        jobId: options.jobId,
        resumeJobId: options.resumeJobId,
        signal: options.signal,
        maxStreams: options.maxStreams,
        onProgress: options.onProgress
          ? (p) => options.onProgress?.({ pass: p.pass, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal })
          : undefined,
      });
      const { report } = result;
      // The failed step names the rule that decided; only when one step failed with one error is the pairing certain.
      const failed = report.steps.filter((s) => s.status === 'failed');
      const rule = failed.length === 1 && report.errors.length === 1 ? failed[0]!.rule : undefined;
      const errors = report.errors.map((message) => ({ code: 'restore-failed', message, ...(rule ? { rule } : {}) }));
      return {
        jobId: result.jobId,
        outcome: report.outcome,
        poweredOn: report.steps.some((s) => s.phase === 'power-on' && s.status === 'done'),
        bytesWritten: report.disks.reduce((n, d) => n + d.bytesWritten + d.bytesResumed, 0),
        errors,
      };
    },
  };
}

/**
 * Runs a planned recovery with the engine's restore service (what
 * `RecoveryService.start` does after planning; the CLI calls it after the user
 * confirmed the plan it was shown, so the plan run is the plan confirmed).
 */
export function runPlannedRecovery(
  deps: { home: string; restore: RestoreService },
  plan: RecoveryPlanView,
  options: RunRecoveryOptions = {},
): Promise<RecoveryRunResult> {
  return runRecovery(
    plan,
    { home: deps.home, restore: recoveryRestorePort(deps.restore, deps.home), markRunning: markJobRunning },
    options,
  );
}
