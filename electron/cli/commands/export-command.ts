import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError, ExitCode } from '../cli-error';
import { printResult } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';
import { formatBytes } from '../../units/byte-units';
import {
  EXPORT_FORMATS,
  exportDisk,
  exportFiles,
  ExportVerificationError,
  type ExportFormat,
  type ExportResult,
} from '../../restore-points/disk-export';
import { assertOutsideRepositories, ExportTargetError } from '../../restore-points/export-target';
import { openRepository, withRepositoryOptions, type RepositoryOptions } from '../repository-options';
import { byteProgress } from './import-command';

interface ExportOptions extends RepositoryOptions {
  point?: string;
  disk?: string;
  format: string;
  out?: string;
  force?: boolean;
  adapterType?: string;
}

const ADAPTER_TYPES = ['lsilogic', 'buslogic', 'ide', 'lsisas', 'pvscsi', 'legacyESX'];

/** A descriptor adapter type every VMDK reader accepts, matching the source controller where it matters (IDE geometry). */
function defaultAdapterType(controllerType: string): string {
  if (/ide/i.test(controllerType)) return 'ide';
  if (/buslogic/i.test(controllerType)) return 'buslogic';
  return 'lsilogic';
}

const FORMAT_NAMES: Record<ExportFormat, string> = {
  raw: 'raw, sparse',
  vmdk: 'VMDK streamOptimized',
  'vmdk-flat': 'VMDK monolithicFlat, sparse extent',
};

function formatExport(r: ExportResult & { pointId: string; disk: number }): string {
  const v = r.verification;
  return [
    `Exported disk ${r.disk} of restore point ${r.pointId} to ${r.file} (${FORMAT_NAMES[r.format]}).`,
    `  ${formatBytes(r.dataBytes)} of data written in ${r.seconds.toFixed(1)} s (${r.megabytesPerSecond.toFixed(1)} MB/s); ` +
      `file ${formatBytes(r.fileBytes)}, ${formatBytes(r.fileAllocatedBytes)} on disk; capacity ${formatBytes(r.capacity)}`,
    `  verified: ${v.ok ? 'identical' : 'DIFFERENT'} — read back ${formatBytes(v.bytesCompared)} ${v.method === 'while-writing' ? 'as it was written, compared byte for byte' : `after writing, digest ${v.exportSha256}`}`,
  ].join('\n');
}

function exportTargetError(err: unknown): never {
  if (err instanceof ExportTargetError)
    throw new CliError(err.message, ExitCode.usage, 'Choose an --out outside every repository folder.');
  throw err;
}

function required(value: string | undefined, option: string, hint: string): string {
  if (!value) throw new CliError(`${option} is required`, ExitCode.usage, hint);
  return value;
}

export const registerExportCommand: RegisterCommand = (program, ctx) => {
  withRepositoryOptions(
    program
      .command('export')
      .description('write one disk of a restore point to a local image file (no server needed); verified by reading it back')
      .option('--point <id>', 'restore point id (or a unique prefix)')
      .option('--disk <key>', 'device key of the disk, e.g. 2000 (see `lifeboat repo show ID`)')
      .option('--format <format>', `output format: ${EXPORT_FORMATS.join(', ')} (vmdk = streamOptimized)`, 'vmdk')
      .option('--out <file>', 'output file')
      .option('--force', 'replace the output file if it exists (only once the new export has verified)')
      .option(
        '--adapter-type <type>',
        `VMDK adapter type recorded in the descriptor: ${ADAPTER_TYPES.join(', ')} (default: ide for an IDE disk, buslogic for BusLogic, else lsilogic)`,
      ),
  ).action(
    commandAction(ctx, async (opts: ExportOptions, command: Command) => {
      const { json } = globalOptions(command);
      const pointArg = required(opts.point, '--point', 'List restore points with `lifeboat repo list`.');
      const diskArg = required(opts.disk, '--disk', 'Give the disk key, e.g. --disk 2000 (`lifeboat repo show ID` lists them).');
      const outArg = required(opts.out, '--out', 'Give the output file, e.g. --out disk1.vmdk.');
      const disk = Number(diskArg);
      if (!Number.isInteger(disk))
        throw new CliError(`--disk must be a device key such as 2000 (got "${diskArg}")`, ExitCode.usage);
      if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
        throw new CliError(`unknown --format "${opts.format}"`, ExitCode.usage, `Use one of: ${EXPORT_FORMATS.join(', ')}.`);
      const format = opts.format as ExportFormat;
      if (opts.adapterType !== undefined && !ADAPTER_TYPES.includes(opts.adapterType))
        throw new CliError(
          `unknown --adapter-type "${opts.adapterType}"`,
          ExitCode.usage,
          `Use one of: ${ADAPTER_TYPES.join(', ')}.`,
        );
      const out = resolve(outArg);
      const parent = await stat(dirname(out)).catch(() => null);
      if (!parent?.isDirectory())
        throw new CliError(
          `the folder of ${outArg} does not exist`,
          ExitCode.usage,
          'Create the folder first or choose another --out.',
        );
      // Checked before the repository password is asked for; exportDisk checks again.
      await assertOutsideRepositories(out).catch(exportTargetError);
      const existing = (
        await Promise.all(
          exportFiles(out, format).map((f) =>
            stat(f).then(
              () => f,
              () => null,
            ),
          ),
        )
      ).filter((f): f is string => f !== null);
      if (existing.length > 0 && !opts.force)
        throw new CliError(
          `${existing.join(' and ')} already exists`,
          ExitCode.failure,
          'Pass --force to overwrite it, or choose another --out.',
        );

      const repo = await openRepository(ctx, opts, json);
      const point = await repo.openPoint(pointArg);
      const pointDisk = point.manifest.disks.find((d) => d.key === disk);
      if (!pointDisk) {
        const keys = point.manifest.disks.map((d) => `${d.key} (${d.label})`).join(', ') || 'none';
        throw new CliError(`restore point ${point.id} has no disk ${disk}`, ExitCode.usage, `Its disks: ${keys}.`);
      }
      const writing = byteProgress(ctx.io, json, 'export');
      const verifying = byteProgress(ctx.io, json, 'verify');
      let result: ExportResult;
      try {
        // A shared lock keeps prune from deleting the packs this export reads.
        result = await repo.withSharedLock(`export of disk ${disk} of ${point.id}`, () =>
          exportDisk(point.disk(disk), out, {
            format,
            adapterType: opts.adapterType ?? defaultAdapterType(pointDisk.controller.type),
            onProgress: (done, total, phase) => (phase === 'write' ? writing : verifying)(done, total),
          }),
        );
      } catch (err) {
        if (err instanceof ExportVerificationError) {
          if (json) printResult(ctx.io, true, { ok: false, pointId: point.id, disk, ...err.result }, () => '');
          throw new CliError(
            err.message,
            ExitCode.failure,
            `The unverified export was left at ${err.result.file} for inspection (any earlier file at --out is untouched); do not use it for a restore.`,
          );
        }
        return exportTargetError(err);
      }
      printResult(ctx.io, json, { ok: true, pointId: point.id, disk, ...result }, formatExport);
    }),
  );
};
