import type { EnvironmentFacts } from '../api/schemas/environment-schema';
import { discoverVddk } from '../vddk/vddk-discovery';

export type VddkLocation = EnvironmentFacts['vddk'];

/**
 * Which VDDK folder Lifeboat uses and what it found there: the user's setting
 * first, then LIFEBOAT_VDDK_DIR, then the well-known install folders.
 * File checks only — VDDK is never loaded into this process.
 */
export function locateVddk(setting: string | undefined, env: NodeJS.ProcessEnv = process.env): VddkLocation {
  const source: VddkLocation['source'] = setting ? 'setting' : env.LIFEBOAT_VDDK_DIR ? 'environment' : 'default';
  const dir = setting ?? env.LIFEBOAT_VDDK_DIR ?? undefined;
  const found = discoverVddk(dir, env);
  return {
    configuredDir: found.dir ?? null,
    source: found.dir === undefined || found.dir === null ? 'none' : source,
    found: found.found,
    library: found.library ?? null,
    majorVersion: found.majorVersion ?? null,
    lookedFor: found.lookedFor,
    message: found.message,
  };
}
