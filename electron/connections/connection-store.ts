import { readJsonFile, writeJsonFile } from '../config/json-file';
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

  private read(): Promise<ConnectionsFile> {
    return readJsonFile(this.file, connectionsFileSchema, {
      missing: { version: 1, connections: [] },
      remedy: 'fix or delete it (it holds only connection names, addresses and thumbprints).',
    });
  }

  private write(data: ConnectionsFile): Promise<void> {
    return writeJsonFile(this.file, data);
  }
}
