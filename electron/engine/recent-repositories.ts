import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../config/json-file';
import type { RecentRepository } from '../api/schemas/repository-view-schema';

/** How many folders the Repositories page offers again. */
const KEEP = 8;

const recentFileSchema = z.array(z.object({ path: z.string(), openedAt: z.string() }));

/** <Lifeboat home>/recent-repositories.json: folders only, never a password. */
export class RecentRepositories {
  private readonly file: string;

  constructor(home: string) {
    this.file = join(home, 'recent-repositories.json');
  }

  list(): Promise<RecentRepository[]> {
    return readJsonFile(this.file, recentFileSchema, { missing: [], remedy: 'Delete the file; it only lists recently opened folders.' });
  }

  async remember(path: string): Promise<void> {
    const rest = (await this.list()).filter((r) => r.path !== path);
    await writeJsonFile(this.file, [{ path, openedAt: new Date().toISOString() }, ...rest].slice(0, KEEP));
  }
}
