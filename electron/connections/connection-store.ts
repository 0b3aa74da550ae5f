import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { homePaths, lifeboatHome } from '../config/paths';
import { connectionsFileSchema, type ConnectionProfile, type ConnectionsFile } from './connection-profile';

/** Reads and writes `<lifeboatHome>/connections.json` (profiles and trusted thumbprints, no secrets). */
export class ConnectionStore {
  readonly file: string;

  constructor(home: string = lifeboatHome()) {
    this.file = homePaths.connections(home);
  }

  async list(): Promise<ConnectionProfile[]> {
    return (await this.read()).connections;
  }

  async get(name: string): Promise<ConnectionProfile | undefined> {
    return (await this.list()).find((c) => c.name === name);
  }

  /** Adds or replaces the profile with the same name. */
  async save(profile: ConnectionProfile): Promise<void> {
    const data = await this.read();
    data.connections = [...data.connections.filter((c) => c.name !== profile.name), profile].sort((a, b) => a.name.localeCompare(b.name));
    await this.write(data);
  }

  /** Returns the removed profile, if there was one. */
  async remove(name: string): Promise<ConnectionProfile | undefined> {
    const data = await this.read();
    const found = data.connections.find((c) => c.name === name);
    if (!found) return undefined;
    data.connections = data.connections.filter((c) => c.name !== name);
    await this.write(data);
    return found;
  }

  private async read(): Promise<ConnectionsFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, connections: [] };
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${this.file} is not valid JSON; fix or delete it (it holds only connection names, addresses and thumbprints).`);
    }
    const parsed = connectionsFileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${this.file} is not a valid connections file (${issue?.path.join('.') || 'root'}: ${issue?.message}).`);
    }
    return parsed.data;
  }

  private async write(data: ConnectionsFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
    // Rename is atomic: a crash never leaves a half-written file.
    await rename(tmp, this.file);
  }
}
