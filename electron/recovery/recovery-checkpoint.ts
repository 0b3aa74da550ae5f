import { join } from 'node:path';
import { z } from 'zod';
import { RecoveryPlanView, RecoveryVmProgress } from '../api/schemas/recovery-schema';
import { readJsonFile, writeJsonFile } from '../config/json-file';
import { homePaths } from '../config/paths';
import { BadInputError } from '../errors/lifeboat-error';

/** The ids a recovery job gives (an id is a folder name). */
const JOB_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** A VM as its progress shows it, plus what a resume needs: its request, its streams and how often it ran. */
export const RecoveryVmRecord = RecoveryVmProgress.extend({
  /** Its restore request, recorded when the job was created: a resume runs exactly this. */
  request: z.record(z.string(), z.unknown()),
  /** Its restore job, recorded BEFORE that restore starts, so a resume continues it and never creates the VM twice. */
  restoreJobId: z.string().nullable(),
  streams: z.number().int().min(0),
  /** Runs of this VM's restore (1 + resumes). */
  runs: z.number().int().min(0),
});
export type RecoveryVmRecord = z.infer<typeof RecoveryVmRecord>;

/** What a recovery job has done so far; enough to resume after a crash or kill -9. */
export const RecoveryCheckpoint = z.object({
  version: z.literal(1),
  kind: z.literal('recovery'),
  jobId: z.string(),
  name: z.string(),
  source: z.string(),
  /** The plan file's hash: a resume refuses a changed file. */
  sourceSha256: z.string(),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  /** The plan as confirmed by the first run (findings, limits, hosts) for the report. */
  plan: RecoveryPlanView,
  vms: z.array(RecoveryVmRecord),
  groups: z.array(z.object({ name: z.string(), startedAt: z.string().nullable(), upAt: z.string().nullable() })),
  /** Every run of this job (the first, then each resume). */
  runs: z.array(z.object({ startedAt: z.string(), finishedAt: z.string().nullable() })),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export type RecoveryCheckpoint = z.infer<typeof RecoveryCheckpoint>;

export const recoveryJobPaths = {
  folder: (home: string, jobId: string) => {
    if (!JOB_ID.test(jobId))
      throw new BadInputError(`"${jobId}" is not a job id`, 'job-not-found', 'List the jobs with `lifeboat jobs list`.');
    return join(homePaths.jobs(home), jobId);
  },
  checkpoint: (home: string, jobId: string) => join(recoveryJobPaths.folder(home, jobId), 'recovery.json'),
  report: (home: string, jobId: string) => ({
    json: join(recoveryJobPaths.folder(home, jobId), 'report.json'),
    html: join(recoveryJobPaths.folder(home, jobId), 'report.html'),
  }),
};

/**
 * The checkpoint of one recovery job (`<home>/jobs/<id>/recovery.json`), saved
 * atomically at every change of a VM's or group's state. Saves are serialised,
 * so an older state never overwrites a newer one.
 */
export class RecoveryCheckpointFile {
  private pending: Promise<void> = Promise.resolve();
  private problem: string | null = null;

  private constructor(
    readonly file: string,
    private state: RecoveryCheckpoint,
  ) {}

  static async create(
    home: string,
    init: Omit<RecoveryCheckpoint, 'version' | 'kind' | 'updatedAt'>,
  ): Promise<RecoveryCheckpointFile> {
    const cp = new RecoveryCheckpointFile(recoveryJobPaths.checkpoint(home, init.jobId), {
      version: 1,
      kind: 'recovery',
      ...init,
      updatedAt: init.startedAt,
    });
    // The first save must work: a job that cannot record what it starts does not start (nothing has changed yet).
    await writeJsonFile(cp.file, cp.state);
    return cp;
  }

  static async load(home: string, jobId: string): Promise<RecoveryCheckpointFile> {
    const file = recoveryJobPaths.checkpoint(home, jobId);
    const state = await readJsonFile(file, RecoveryCheckpoint, { remedy: 'the recovery cannot be resumed from it' });
    if (!state) {
      throw new BadInputError(
        `there is no recovery job "${jobId}" (looked for ${file})`,
        'job-not-found',
        'List the jobs with `lifeboat jobs list`.',
      );
    }
    return new RecoveryCheckpointFile(file, state);
  }

  /** Reads a checkpoint without failing: null when it is missing or unreadable (the job list). */
  static async read(home: string, jobId: string): Promise<RecoveryCheckpoint | null> {
    try {
      return (await readJsonFile(recoveryJobPaths.checkpoint(home, jobId), RecoveryCheckpoint, { remedy: 'skipped' })) ?? null;
    } catch {
      return null;
    }
  }

  get data(): Readonly<RecoveryCheckpoint> {
    return this.state;
  }

  /** Why the last save failed (a full or read-only folder), or null. */
  get saveProblem(): string | null {
    return this.problem;
  }

  vm(vmName: string): RecoveryVmRecord {
    const found = this.state.vms.find((v) => v.vmName === vmName);
    if (!found) throw new Error(`no VM "${vmName}" in recovery ${this.state.jobId}`);
    return found;
  }

  /**
   * Saves a change, then makes it the state everyone reads: what progress
   * shows (a VM running under its restore job id) is on disk first, so a kill
   * -9 never leaves a shown state unrecorded. Changes apply in call order; a
   * failed save is kept in `saveProblem` and the change still applies (the
   * job goes on; the report says it cannot be resumed exactly).
   */
  update(change: (state: RecoveryCheckpoint) => void): Promise<void> {
    this.pending = this.pending.then(async () => {
      const next = JSON.parse(JSON.stringify(this.state)) as RecoveryCheckpoint;
      change(next);
      next.updatedAt = new Date().toISOString();
      try {
        await writeJsonFile(this.file, next);
        this.problem = null;
      } catch (err) {
        this.problem = `the recovery checkpoint ${this.file} could not be saved: ${err instanceof Error ? err.message : String(err)}`;
      }
      this.state = next;
    });
    return this.pending;
  }

  /** Changes that need not be on disk at once (bytes written so far); saved with the next update. */
  touch(change: (state: RecoveryCheckpoint) => void): void {
    change(this.state);
  }
}
