import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError, ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';
import { openRepository, withRepositoryOptions, type RepositoryOptions } from '../repository-options';
import { DiskFormatError } from '../../disks/disk-image';
import { formatBytes } from '../../units/byte-units';
import { importFile, ImportInputError, type ImportResult } from '../../restore-points/image-import';
import { ArchiveFormatError } from '../../restore-points/ova-archive';
import { OvfFormatError } from '../../restore-points/ovf-descriptor';
import type { AllocationProbe } from '../../disks/allocation-probe';
import { NativeAllocationProbe } from '../../vddk/native-allocation-probe';

/** SEEK_DATA/SEEK_HOLE through the addon, so a thin image's holes are never read; the zero scan when the addon cannot load. */
function holeProbe(): AllocationProbe | undefined {
  try {
    return new NativeAllocationProbe();
  } catch {
    return undefined;
  }
}

/** Throttled "verb: done of total" lines on stderr (text mode only). */
export function byteProgress(io: CliIo, json: boolean, verb: string): (done: number, total: number, what?: string) => void {
  let last = 0;
  return (done, total, what) => {
    if (json) return;
    const now = Date.now();
    if (done < total && now - last < 500) return;
    last = now;
    const pct = total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : '';
    io.stderr(`${verb}${what ? ` ${what}` : ''}: ${formatBytes(done)} of ${formatBytes(total)}${pct}\n`);
  };
}

interface ImportOptions extends RepositoryOptions {
  name?: string;
  diskKey?: string;
}

function formatImport(r: ImportResult & { bytesAdded: number }): string {
  const m = r.manifest;
  const lines = [
    `Imported ${r.source.file} as restore point ${m.id} of VM ${m.vm.name} (${r.source.container === 'ova' ? 'OVA' : r.source.disks[0]?.format}).`,
    `  firmware: ${m.firmware ?? 'unknown'}, guest: ${String(m.configInfo.guestId ?? 'unknown')}`,
  ];
  for (const d of m.disks) {
    lines.push(
      `  disk ${d.key} "${d.label}": ${formatBytes(d.capacity)}, ${formatBytes(d.allocatedBytes)} allocated, ${d.controller.type} ${d.controller.busNumber}:${d.controller.unitNumber}, from ${d.fileName ?? '?'}`,
    );
  }
  lines.push(`  stored ${formatBytes(r.bytesAdded)} (compressed, encrypted)`);
  lines.push(`  not known for an import: ${r.unknownFields.join(', ')}`);
  return lines.join('\n');
}

function inputError(err: unknown, file: string): never {
  if (
    err instanceof DiskFormatError ||
    err instanceof ArchiveFormatError ||
    err instanceof OvfFormatError ||
    err instanceof ImportInputError
  ) {
    // Reader errors already start with the file name.
    const message = err.message.startsWith(file) ? err.message : `${file}: ${err.message}`;
    throw new CliError(
      `cannot import ${message}`,
      ExitCode.usage,
      'Give a raw image, a VMDK (monolithicFlat descriptor, monolithicSparse or streamOptimized) or an OVA; check the file is complete (not truncated).',
    );
  }
  throw err;
}

export const registerImportCommand: RegisterCommand = (program, ctx) => {
  withRepositoryOptions(
    program
      .command('import')
      .argument('<file>', 'disk image (.vmdk, .raw/.img) or an .ova appliance')
      .description('make a restore point from exported images, with no server: a VMDK or raw disk, or every disk of an OVA')
      .option('--name <vm>', 'VM name for the restore point (default: the OVF name, else the file name)')
      .option('--disk-key <n>', 'device key of the disk for a single image (default 2000)'),
  ).action(
    commandAction(ctx, async (file: string, opts: ImportOptions, command: Command) => {
      const { json } = globalOptions(command);
      const path = resolve(file);
      const isOva = path.toLowerCase().endsWith('.ova');
      let diskKey: number | undefined;
      if (opts.diskKey !== undefined) {
        diskKey = Number(opts.diskKey);
        if (!Number.isInteger(diskKey) || diskKey < 0)
          throw new CliError(
            `--disk-key must be a whole number (got "${opts.diskKey}")`,
            ExitCode.usage,
            'For example --disk-key 2000.',
          );
        if (isOva)
          throw new CliError(
            '--disk-key applies to a single image, not an OVA',
            ExitCode.usage,
            'OVA disks get keys 2000, 2001, … in OVF order.',
          );
      }
      const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
        throw new CliError(
          `cannot read ${file}: ${err.code ?? err.message}`,
          ExitCode.usage,
          'Check the path of the image to import.',
        );
      });
      if (!info.isFile()) throw new CliError(`${file} is not a file`, ExitCode.usage, 'Give the path of an image or OVA file.');
      const repo = await openRepository(ctx, opts, json);
      // Ctrl+C stops the import at its next piece; the point is never committed, so nothing half-made is listed.
      const controller = new AbortController();
      const onSigint = () => controller.abort(new Error('cancelled (Ctrl+C)'));
      process.once('SIGINT', onSigint);
      const result = await importFile(repo, path, {
        name: opts.name,
        diskKey,
        probe: holeProbe(),
        signal: controller.signal,
        onProgress: byteProgress(ctx.io, json, 'import'),
      })
        .catch((err: unknown) => {
          if (controller.signal.aborted)
            throw new CliError(
              `import of ${file} cancelled (Ctrl+C): no restore point was made`,
              ExitCode.cancelled,
              'Run the import again; the data it already stored is reused, or `lifeboat repo prune` removes it.',
            );
          return inputError(err, path);
        })
        .finally(() => process.removeListener('SIGINT', onSigint));
      printResult(
        ctx.io,
        json,
        {
          ok: true,
          pointId: result.manifest.id,
          vm: result.manifest.vm.name,
          firmware: result.manifest.firmware,
          source: result.source,
          unknownFields: result.unknownFields,
          bytesAdded: result.bytesAdded,
          disks: result.manifest.disks.map((d) => ({
            key: d.key,
            label: d.label,
            capacity: d.capacity,
            allocatedBytes: d.allocatedBytes,
            controller: d.controller,
            fileName: d.fileName,
          })),
        },
        () => formatImport(result),
      );
    }),
  );
};
