import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
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
export async function readSettings(home: string): Promise<Settings> {
  const file = homePaths.settings(home);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); fix or delete it`);
  }
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file} has invalid settings: ${detail}`);
  }
  return parsed.data;
}

/** Writes settings atomically (temp file + rename) so a crash never leaves half a file. */
export async function writeSettings(home: string, settings: Settings): Promise<void> {
  const file = homePaths.settings(home);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(Settings.parse(settings), null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}
