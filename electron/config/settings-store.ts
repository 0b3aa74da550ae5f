import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file';
import { homePaths } from './paths';

/** User settings (never secrets). */
export const Settings = z
  .object({
    /** VDDK distribution folder (holds lib64/libvixDiskLib.so.N or bin/vixDiskLib.dll). */
    vddkDir: z.string().min(1).optional(),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

/** Reads settings.json; a missing file means defaults, a broken one is reported, not ignored. */
export function readSettings(home: string): Promise<Settings> {
  return readJsonFile(homePaths.settings(home), Settings, { missing: {}, remedy: 'fix or delete it' });
}

/** Writes settings atomically so a crash never leaves half a file. */
export function writeSettings(home: string, settings: Settings): Promise<void> {
  return writeJsonFile(homePaths.settings(home), Settings.parse(settings));
}
