import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ExportStartInput } from '../api/schemas/export-schema';
import { BadInputError, LifeboatError } from '../errors/lifeboat-error';
import { exportDisk, exportFiles, ExportVerificationError } from '../restore-points/disk-export';
import { assertOutsideRepositories, ExportTargetError } from '../restore-points/export-target';
import { formatBytes } from '../units/byte-units';
import type { JobRegistry } from './job-registry';
import { rateOf } from './job-rate';
import type { RepositoryHandlers } from './repository-handlers';

/** The adapter a VMDK names (ddb.adapterType), from the saved controller, as `lifeboat export` chooses it. */
function adapterTypeOf(controllerType: string): string {
  const t = controllerType.toLowerCase();
  if (t.includes('ide')) return 'ide';
  if (t.includes('buslogic')) return 'buslogic';
  return 'lsilogic';
}

/**
 * export.start: one disk of a restore point to a file on the machine that runs
 * the engine (for the browser host: that machine, not the browser's). The path
 * is checked before anything is written: full path, its folder exists, not
 * inside a repository, no file replaced unless asked. The export runs as a job.
 */
export class ExportHandlers {
  constructor(
    private readonly repositories: RepositoryHandlers,
    private readonly jobs: JobRegistry,
  ) {}

  async start(input: ExportStartInput): Promise<{ jobId: string; file: string }> {
    const file = await this.checkDestination(input);
    const { repo } = this.repositories.get(input.repositoryId);
    const point = await repo.openPoint(input.point);
    const disk = point.manifest.disks.find((d) => d.key === input.disk);
    if (!disk) {
      throw new BadInputError(`restore point ${point.id} has no disk ${input.disk}`, 'export-no-such-disk', `Its disks: ${point.manifest.disks.map((d) => `${d.key} (${d.label})`).join(', ')}.`);
    }
    const startedMs = Date.now();
    const jobId = `export-${randomUUID()}`;
    const job = this.jobs.start({
      id: jobId,
      kind: 'export',
      title: `Export ${disk.label} of ${point.manifest.vm.name} to ${file}`,
      step: 'Writing the image',
      bytesTotal: disk.allocatedBytes,
      startedAt: new Date(startedMs).toISOString(),
      pass: 'write',
    });
    let passStarted = startedMs;
    let lastPass: 'write' | 'verify' = 'write';
    void repo
      // A shared lock keeps prune from deleting the packs this export reads.
      .withSharedLock(`export of disk ${disk.key} of ${point.id}`, () =>
        exportDisk(point.disk(disk.key), file, {
          format: input.format,
          adapterType: adapterTypeOf(disk.controller.type),
          onProgress: (done, total, pass) => {
            if (pass !== lastPass) {
              lastPass = pass;
              passStarted = Date.now();
            }
            job.update({ pass, step: pass === 'write' ? 'Writing the image' : 'Reading it back to verify', bytesDone: done, bytesTotal: total, ...rateOf(passStarted, done, total) });
          },
        }),
      )
      .then((r) =>
        job.update({
          phase: 'succeeded',
          step: null,
          etaSeconds: null,
          finishedAt: new Date().toISOString(),
          outcome: `${r.file}: ${formatBytes(r.fileBytes)} written (${formatBytes(r.dataBytes)} of data), read back identical to the restore point (${r.verification.exportSha256 ? `digest ${r.verification.exportSha256}` : 'compared byte for byte as written'})`,
        }),
      )
      .catch((err: unknown) => {
        const message =
          err instanceof ExportVerificationError
            ? `${err.message}. The unverified export was left at ${err.result.file} for inspection; do not use it.`
            : err instanceof LifeboatError && err.hint
              ? `${err.message}. ${err.hint}`
              : err instanceof Error
                ? err.message
                : String(err);
        job.update({ phase: 'failed', step: null, etaSeconds: null, finishedAt: new Date().toISOString(), error: message });
      });
    return { jobId, file };
  }

  private async checkDestination(input: ExportStartInput): Promise<string> {
    const typed = input.destination.trim();
    if (!isAbsolute(typed)) {
      throw new BadInputError(`"${typed}" is not a full path`, 'export-path-not-absolute', 'Type the full path of the file to write on the machine running Lifeboat, e.g. /srv/exports/disk1.vmdk.');
    }
    const file = resolve(typed);
    const parent = await stat(dirname(file)).catch(() => null);
    if (!parent?.isDirectory()) throw new BadInputError(`the folder ${dirname(file)} does not exist`, 'export-folder-missing', 'Create the folder first, or choose another destination.');
    try {
      await assertOutsideRepositories(file);
    } catch (err) {
      if (err instanceof ExportTargetError) throw new BadInputError(err.message, err.code, 'Choose a destination outside every repository folder.');
      throw err;
    }
    const existing = (await Promise.all(exportFiles(file, input.format).map((f) => stat(f).then(() => f, () => null)))).filter((f): f is string => f !== null);
    if (existing.length > 0 && !input.overwrite) {
      throw new BadInputError(`${existing.join(' and ')} already exists`, 'export-file-exists', 'Choose another file name, or allow replacing it.');
    }
    return file;
  }
}
