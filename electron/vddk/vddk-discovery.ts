import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { productInfo } from '../config/product';

/** What Lifeboat found in a VDDK folder, without loading anything. */
export interface VddkDiscovery {
  found: boolean;
  /** The folder examined; null when none was given and no default folder exists. */
  dir: string | null;
  /** Full path of the library that would be loaded. */
  library?: string;
  majorVersion?: number;
  /** Paths, relative to the folder, in the order they are tried. */
  lookedFor: string[];
  message: string;
}

interface Candidate {
  relativePath: string;
  majorVersion?: number;
}

/** The probing order the native loader uses (keep in step with native/src/vddk-library.cc). */
export function vddkCandidates(platform: NodeJS.Platform = process.platform): Candidate[] {
  if (platform === 'win32') return [{ relativePath: 'bin\\vixDiskLib.dll' }, { relativePath: 'vixDiskLib.dll' }];
  const out: Candidate[] = [];
  for (const prefix of ['lib64/', '']) {
    for (const major of [9, 8, 7, 6]) out.push({ relativePath: `${prefix}libvixDiskLib.so.${major}`, majorVersion: major });
  }
  return out;
}

/** Where VDDK distributions are usually unpacked, per OS. */
export function defaultVddkDirs(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') {
    return ['C:\\Program Files\\VMware\\VMware Virtual Disk Development Kit'];
  }
  return ['/usr/lib/vmware-vix-disklib-distrib', '/opt/vmware-vix-disklib-distrib', '/usr/local/vmware-vix-disklib-distrib'];
}

function examine(dir: string, platform: NodeJS.Platform): VddkDiscovery {
  const candidates = vddkCandidates(platform);
  const lookedFor = candidates.map((c) => c.relativePath);
  for (const c of candidates) {
    const library = join(dir, c.relativePath);
    if (existsSync(library)) {
      const version = c.majorVersion ? ` ${c.majorVersion}` : '';
      return {
        found: true,
        dir,
        library,
        majorVersion: c.majorVersion,
        lookedFor,
        message: `VDDK${version} found in ${dir} (${c.relativePath})`,
      };
    }
  }
  return { found: false, dir, lookedFor, message: `VDDK not found in ${dir}; looked for ${lookedFor.join(', ')}` };
}

/**
 * Reports whether a VDDK distribution is in `dir` (else LIFEBOAT_VDDK_DIR, else
 * the usual install folders). File checks only: VDDK is never loaded into the
 * calling process, and the version comes from the library's file name.
 */
export function discoverVddk(
  dir?: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): VddkDiscovery {
  const chosen = dir || env.LIFEBOAT_VDDK_DIR;
  if (chosen) return examine(chosen, platform);
  const defaults = defaultVddkDirs(platform);
  for (const d of defaults) {
    const result = examine(d, platform);
    if (result.found) return result;
  }
  const lookedFor = vddkCandidates(platform).map((c) => c.relativePath);
  return {
    found: false,
    dir: null,
    lookedFor,
    message:
      `VDDK not found in ${defaults.join(', ')}; looked for ${lookedFor.join(', ')}. ` +
      'Set the VDDK folder in Settings or LIFEBOAT_VDDK_DIR; local images, the lab and repository tasks work without it.',
  };
}

/**
 * The lab VDDK built by `npm run build:native`, laid out like a VDDK distribution
 * (Linux only). LIFEBOAT_LAB_VDDK_DIR: another build of it (the sanitizer build).
 */
export function labVddkDir(root: string = productInfo().root, env: NodeJS.ProcessEnv = process.env): string {
  return env.LIFEBOAT_LAB_VDDK_DIR || join(root, 'native', 'build', 'labvddk');
}
