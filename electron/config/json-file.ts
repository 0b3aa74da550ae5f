import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';

async function fsyncDirectory(dir: string): Promise<void> {
  // Makes the rename durable. Windows cannot open directories; it journals renames itself.
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteOptions {
  mode?: number;
  /** Name of the temporary file (default: `<file>.tmp-<random>`); callers that clean up leftovers choose a findable one. */
  tempPath?: (file: string) => string;
}

/**
 * Writes a file so that readers (and the next run after a crash or power cut)
 * see the old content or the new, never half: temp file + fsync + rename +
 * directory fsync.
 */
export async function writeFileAtomic(file: string, data: Buffer | string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = options.tempPath ? options.tempPath(file) : `${file}.tmp-${randomBytes(6).toString('hex')}`;
  const handle = await fs.open(temp, 'wx', options.mode ?? 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await fs.rename(temp, file);
  await fsyncDirectory(dir);
}

/** Writes a value as pretty JSON, atomically, readable by the user only. */
export function writeJsonFile(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Reads a JSON file through a schema. A missing file gives `missing`; a broken
 * one is an error that names the file and the first bad field, never ignored.
 */
export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
  options: { missing: z.output<S>; remedy: string },
): Promise<z.output<S>>;
export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
  options: { remedy: string },
): Promise<z.output<S> | undefined>;
export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
  options: { missing?: z.output<S>; remedy: string },
): Promise<z.output<S> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return options.missing;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); ${options.remedy}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file} is not valid (${detail}); ${options.remedy}`);
  }
  return parsed.data;
}
