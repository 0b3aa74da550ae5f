import { BadInputError, LifeboatError } from '../errors/lifeboat-error';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { homePaths } from '../config/paths';
import { readSettings } from '../config/settings-store';
import { discoverVddk, labVddkDir } from './vddk-discovery';
import { vddkTmpDirectory } from './vddk-tmp-directory';

/** Where VDDK is and what extra config it gets, for a backup or restore session. */
export interface VddkSetup {
  dir: string;
  /** VDDK's tmpDirectory under the Lifeboat folder, the same for every session (HotAdd cleanup after a crash). */
  tmpDirectory: string;
  /** For the lab VDDK: the running lab's labvddk.conf (datastore folders, thumbprint). */
  extraConfigText?: string;
}

export class VddkNotFoundError extends LifeboatError {
  constructor(message: string) {
    super(message, {
      code: 'vddk-not-found',
      hint: 'Point Lifeboat at VDDK with --vddk-dir, the vddkDir setting or LIFEBOAT_VDDK_DIR (for the lab: native/build/labvddk, after `lifeboat lab start`).',
    });
    this.name = 'VddkNotFoundError';
  }
}

/**
 * Resolves the VDDK folder (option, then setting, then LIFEBOAT_VDDK_DIR and
 * the usual folders) and, when it is the lab VDDK, the running lab's config.
 */
export async function resolveVddkSetup(options: { dir?: string; configFile?: string; home: string; env?: NodeJS.ProcessEnv }): Promise<VddkSetup> {
  const found = discoverVddk(options.dir ?? (await readSettings(options.home)).vddkDir, options.env);
  if (!found.found || !found.dir) throw new VddkNotFoundError(found.message);
  let configFile = options.configFile;
  if (!configFile && resolve(found.dir) === resolve(labVddkDir()) && existsSync(homePaths.labVddkConfig(options.home))) {
    configFile = homePaths.labVddkConfig(options.home);
  }
  const tmpDirectory = vddkTmpDirectory(options.home);
  if (!configFile) return { dir: found.dir, tmpDirectory };
  try {
    return { dir: found.dir, tmpDirectory, extraConfigText: readFileSync(configFile, 'utf8') };
  } catch (err) {
    throw new BadInputError(`cannot read the VDDK config file ${configFile}: ${(err as Error).message}`, 'vddk-config-unreadable', 'Check the --vddk-config path.');
  }
}
