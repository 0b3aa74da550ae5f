import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../config/json-file';
import { homePaths } from '../config/paths';
import { mergeRanges, type ByteRange } from '../disks/byte-ranges';
import type { PhaseRecord } from './restore-phases';

const range = z.object({ offset: z.number().int().nonnegative(), length: z.number().int().positive() });

/** What a restore job has done so far; enough to resume after a crash or kill -9. */
export const restoreCheckpointSchema = z.object({
  version: z.literal(1),
  jobId: z.string(),
  /** The request, as given (no secrets: repository and connection are named, never their passwords). */
  request: z.record(z.string(), z.unknown()),
  vm: z.object({ moref: z.string(), name: z.string() }).nullable(),
  /** The VM's identity when the job recorded it; a resume checks it before writing a byte. */
  vmIdentity: z
    .object({
      moref: z.string(),
      name: z.string(),
      instanceUuid: z.string().nullable(),
      disks: z.array(z.object({ key: z.number(), fileName: z.string(), capacityBytes: z.number() })),
    })
    .nullable()
    .default(null),
  /** Set right before CreateVM: the name and the marker put into the new VM's configuration (a crash may leave it unrecorded). */
  creating: z.object({ name: z.string(), marker: z.string() }).nullable().default(null),
  /** Change tracking on the target VM before the restore turned it off (STEP-CBT-OFF). */
  cbtWasOn: z.boolean().nullable(),
  phases: z.array(
    z.object({
      phase: z.string(),
      rule: z.string(),
      title: z.string(),
      status: z.enum(['pending', 'running', 'done', 'skipped', 'failed']),
      detail: z.string().nullable(),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
    }),
  ),
  /** Disk restores as new disks: restore-point disk key → device key of the disk added to the VM. */
  diskTargets: z.record(z.string(), z.number()).default({}),
  /** Per disk key: byte ranges known to be written, and whether the disk is complete. */
  disks: z.record(
    z.string(),
    z.object({
      copied: z.array(range),
      complete: z.boolean(),
      /** The read-back verification that passed, so a resumed job's report still says the disk was verified. */
      verified: z.object({ bytesCompared: z.number(), sourceSha256: z.string(), targetSha256: z.string() }).optional(),
    }),
  ),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export type RestoreCheckpoint = z.infer<typeof restoreCheckpointSchema>;

/** How often copied ranges are saved while a disk is being written. */
const SAVE_INTERVAL_MS = 1000;

/**
 * The checkpoint file of one job (`<home>/jobs/<id>.json`), saved atomically
 * at every phase boundary and at most once a second while disks are written.
 */
export class RestoreCheckpointFile {
  private pendingSave: Promise<void> = Promise.resolve();
  private lastSave = 0;
  private problem: string | null = null;

  private constructor(
    readonly file: string,
    private state: RestoreCheckpoint,
  ) {}

  static path(home: string, jobId: string): string {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(jobId)) throw new Error(`"${jobId}" is not a job id`);
    return join(homePaths.jobs(home), `${jobId}.json`);
  }

  static async create(
    home: string,
    init: Omit<RestoreCheckpoint, 'version' | 'startedAt' | 'updatedAt' | 'diskTargets' | 'vmIdentity' | 'creating'> & { diskTargets?: Record<string, number> },
  ): Promise<RestoreCheckpointFile> {
    const now = new Date().toISOString();
    const cp = new RestoreCheckpointFile(RestoreCheckpointFile.path(home, init.jobId), {
      version: 1,
      ...init,
      diskTargets: init.diskTargets ?? {},
      vmIdentity: null,
      creating: null,
      startedAt: now,
      updatedAt: now,
    });
    // The first save must work: a job that cannot record its progress does not start (nothing has changed yet).
    await writeJsonFile(cp.file, cp.state);
    return cp;
  }

  static async load(home: string, jobId: string): Promise<RestoreCheckpointFile> {
    const file = RestoreCheckpointFile.path(home, jobId);
    const state = await readJsonFile(file, restoreCheckpointSchema, { remedy: 'the job cannot be resumed from it' });
    if (!state) throw new Error(`No restore job "${jobId}" to resume (looked for ${file}).`);
    return new RestoreCheckpointFile(file, state);
  }

  get data(): Readonly<RestoreCheckpoint> {
    return this.state;
  }

  update(patch: Partial<Pick<RestoreCheckpoint, 'vm' | 'cbtWasOn' | 'diskTargets' | 'vmIdentity' | 'creating'>> & { phases?: PhaseRecord[] }): Promise<void> {
    this.state = { ...this.state, ...patch };
    return this.save();
  }

  copiedRanges(diskKey: number): ByteRange[] {
    return this.state.disks[String(diskKey)]?.copied ?? [];
  }

  diskComplete(diskKey: number): boolean {
    return this.state.disks[String(diskKey)]?.complete ?? false;
  }

  /** Records a written range; saved within a second (or at the next phase boundary). */
  recordCopied(diskKey: number, r: ByteRange): void {
    const disk = (this.state.disks[String(diskKey)] ??= { copied: [], complete: false });
    const last = disk.copied[disk.copied.length - 1];
    if (last && last.offset + last.length === r.offset) last.length += r.length;
    else disk.copied.push({ ...r });
    if (Date.now() - this.lastSave >= SAVE_INTERVAL_MS) void this.save();
  }

  /** Records a disk's passed verification (kept for the report of a later resume). */
  markDiskVerified(diskKey: number, v: { bytesCompared: number; sourceSha256: string; targetSha256: string }): Promise<void> {
    const disk = (this.state.disks[String(diskKey)] ??= { copied: [], complete: false });
    disk.verified = { ...v };
    return this.save();
  }

  verifiedResult(diskKey: number): { bytesCompared: number; sourceSha256: string; targetSha256: string } | undefined {
    return this.state.disks[String(diskKey)]?.verified;
  }

  markDiskComplete(diskKey: number): Promise<void> {
    const disk = (this.state.disks[String(diskKey)] ??= { copied: [], complete: false });
    disk.complete = true;
    return this.save();
  }

  /**
   * Why the last save failed (a full or read-only Lifeboat folder), or null when
   * the file on disk is current. The job goes on from its state in memory, runs
   * its closing steps and says in its report that it cannot be resumed exactly.
   */
  get saveProblem(): string | null {
    return this.problem;
  }

  /**
   * Saves are serialised so an older state never overwrites a newer one, and
   * never reject: a failed save (ENOSPC, EROFS) is recorded in `saveProblem`
   * and the next save tries again.
   */
  save(): Promise<void> {
    this.lastSave = Date.now();
    this.state.updatedAt = new Date().toISOString();
    for (const disk of Object.values(this.state.disks)) disk.copied = mergeRanges(disk.copied);
    const snapshot = JSON.parse(JSON.stringify(this.state)) as RestoreCheckpoint;
    this.pendingSave = this.pendingSave.then(() =>
      writeJsonFile(this.file, snapshot).then(
        () => {
          this.problem = null;
        },
        (err: unknown) => {
          this.problem = `the job's checkpoint ${this.file} could not be saved: ${err instanceof Error ? err.message : String(err)}`;
        },
      ),
    );
    return this.pendingSave;
  }
}
