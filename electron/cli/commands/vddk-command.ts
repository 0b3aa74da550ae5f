import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { lifeboatHome } from '../../config/paths';
import { readSettings } from '../../config/settings-store';
import { discoverVddk, labVddkDir, type VddkDiscovery } from '../../vddk/vddk-discovery';
import { VddkSession } from '../../vddk/vddk-session';
import { CliError, ExitCode } from '../cli-error';
import { printResult } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';

interface VddkCheck extends VddkDiscovery {
  /** Present when the library was loaded in a worker process (InitEx succeeded). */
  loaded?: { majorVersion: number; libraryPath: string; optionalFunctions: string[]; transportModes: string[] };
}

function formatCheck(c: VddkCheck): string {
  const lines = [c.message];
  if (c.loaded) {
    lines.push(
      `Loaded in a worker process: ${c.loaded.libraryPath} (major version ${c.loaded.majorVersion})`,
      `Transport modes: ${c.loaded.transportModes.join(', ') || '(none)'}`,
      `Optional functions present: ${c.loaded.optionalFunctions.join(', ') || '(none)'}`,
    );
  }
  return lines.join('\n');
}

async function readConfig(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${(err as Error).message}`,
      ExitCode.usage,
      'Pass an existing VDDK config file to --config.',
    );
  }
}

/** `lifeboat vddk check`: where VDDK is, and (unless --no-load) whether it loads and initialises. */
export const registerVddkCommand: RegisterCommand = (program, ctx) => {
  const vddk = program.command('vddk').description('the VMware VDDK library Lifeboat uses for SAN, HotAdd, NBDSSL and NBD');
  vddk
    .command('check')
    .description('find the VDDK library and load it in a separate worker process to list its transport modes')
    .option(
      '--dir <folder>',
      'VDDK distribution folder (default: the vddkDir setting, then LIFEBOAT_VDDK_DIR, then the usual install folders)',
    )
    .option('--lab', "check the project's lab VDDK (native/build/labvddk) instead")
    .option('--no-load', 'only look for the library file; do not load it')
    .option('--config <file>', "extra VDDK config lines to load with, e.g. the running lab's labvddk.conf")
    .action(
      commandAction(ctx, async (opts: { dir?: string; lab?: boolean; load: boolean; config?: string }, command: Command) => {
        const { json } = globalOptions(command);
        if (opts.dir && opts.lab)
          throw new CliError('--dir and --lab name two different folders', ExitCode.usage, 'Use one of them.');
        const dir = opts.lab ? labVddkDir() : (opts.dir ?? (await readSettings(lifeboatHome())).vddkDir);
        const found: VddkCheck = discoverVddk(dir);
        if (!found.found) {
          throw new CliError(
            found.message,
            ExitCode.failure,
            'Point Lifeboat at a VDDK distribution with --dir, the vddkDir setting or LIFEBOAT_VDDK_DIR. ' +
              'Local images, the lab and restore-point tasks work without VDDK.',
          );
        }
        if (opts.load) {
          if (!json) ctx.io.stderr(`loading ${found.library} in a worker process…\n`);
          const extraConfigText = opts.config ? await readConfig(opts.config) : undefined;
          const session = await VddkSession.start({ vddkDir: found.dir!, extraConfigText }).catch((err: unknown) => {
            throw new CliError(
              `VDDK in ${found.dir} did not load: ${(err as Error).message}`,
              ExitCode.failure,
              'Check that the folder is a complete VDDK distribution for this OS (lib64 with its bundled libraries).',
            );
          });
          try {
            found.loaded = { ...session.library, transportModes: await session.transportModes() };
          } finally {
            await session.close();
          }
        }
        printResult(ctx.io, json, found, formatCheck);
      }),
    );
};
