import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecoveryPlanSource, RecoveryProgress } from '../api/schemas/recovery-schema';
import { z } from 'zod';

/** A recovery job id is part of a file name: only these characters. */
const JOB_ID = /^[A-Za-z0-9._-]{1,100}$/;

const RecoveryJobRecordShape = z.object({
  /** What the API started: resume needs the same plan source (the job refuses a changed file by its SHA-256). */
  source: RecoveryPlanSource,
  progress: RecoveryProgress.nullable(),
});
export type RecoveryJobRecord = z.infer<typeof RecoveryJobRecordShape>;

/**
 * What the API side keeps of a recovery it started, in
 * `<Lifeboat home>/recovery-api/<job id>.json`: the plan source (a path, or the
 * text the page sent: plan files hold names, never secrets) and the last
 * progress, so a reloaded page or a restarted engine can show and resume it.
 */
export class RecoveryJobRecords {
  constructor(private readonly home: string) {}

  private file(jobId: string): string {
    if (!JOB_ID.test(jobId)) throw new Error(`"${jobId}" is not a job id`);
    return join(this.home, 'recovery-api', `${jobId}.json`);
  }

  async save(jobId: string, record: RecoveryJobRecord): Promise<void> {
    const file = this.file(jobId);
    await mkdir(join(this.home, 'recovery-api'), { recursive: true, mode: 0o700 });
    // Written aside and renamed: a reader never sees half a record.
    await writeFile(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }

  async load(jobId: string): Promise<RecoveryJobRecord | null> {
    let text: string;
    try {
      text = await readFile(this.file(jobId), 'utf8');
    } catch {
      return null;
    }
    const parsed = RecoveryJobRecordShape.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  }
}
