import { randomUUID } from 'node:crypto';
import { verifyRepository } from '../repository/repository-verify';
import { formatBytes } from '../units/byte-units';
import type { JobRegistry } from './job-registry';
import { rateOf } from './job-rate';
import type { RepositoryHandlers } from './repository-handlers';

/** repositories.verify: `lifeboat repo verify` as a job, with its progress pushed like a restore's. */
export class VerifyHandlers {
  constructor(
    private readonly repositories: RepositoryHandlers,
    private readonly jobs: JobRegistry,
  ) {}

  start(repositoryId: string, readData: boolean): { jobId: string } {
    const { repo, path } = this.repositories.get(repositoryId);
    const jobId = `verify-${randomUUID()}`;
    const startedMs = Date.now();
    const job = this.jobs.start({
      id: jobId,
      kind: 'verify',
      title: `Verify ${path}${readData ? ' (reading every pack)' : ''}`,
      step: 'Starting',
      bytesTotal: 0,
      startedAt: new Date(startedMs).toISOString(),
    });
    void verifyRepository(repo, {
      readData,
      // Verify counts packs, not bytes: the job's step says so, and its "bytes" are packs checked of all packs.
      onProgress: (done, total) => job.update({ step: `Checked ${done} of ${total} packs`, bytesDone: done, bytesTotal: total, etaSeconds: rateOf(startedMs, done, total).etaSeconds }),
    })
      .then((r) =>
        job.update({
          phase: r.ok ? 'succeeded' : 'failed',
          step: null,
          etaSeconds: null,
          finishedAt: new Date().toISOString(),
          error: r.ok ? null : r.problems.map((p) => `${p.object}: ${p.problem}`).join('; '),
          outcome: `${r.ok ? 'No problems' : `${r.problems.length} problem(s)`}: ${r.points} restore points, ${r.packs} packs, ${r.chunksReferenced} chunks referenced${r.readData ? `, ${formatBytes(r.bytesRead)} read` : ''}`,
        }),
      )
      .catch((err: unknown) => job.update({ phase: 'failed', step: null, etaSeconds: null, finishedAt: new Date().toISOString(), error: err instanceof Error ? err.message : String(err) }));
    return { jobId };
  }
}
