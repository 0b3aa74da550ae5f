import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user folder for Lifeboat's settings, connection profiles (never
 * secrets), job checkpoints and logs. LIFEBOAT_HOME overrides it (tests, portable use).
 */
export function lifeboatHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LIFEBOAT_HOME) return env.LIFEBOAT_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Lifeboat');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Lifeboat');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'lifeboat');
}

export const homePaths = {
  settings: (home: string) => join(home, 'settings.json'),
  connections: (home: string) => join(home, 'connections.json'),
  jobs: (home: string) => join(home, 'jobs'),
  logs: (home: string) => join(home, 'logs'),
  lab: (home: string) => join(home, 'lab'),
  /** The running lab's VDDK config (written by the lab, read by VDDK setup for the lab VDDK). */
  labVddkConfig: (home: string) => join(home, 'lab', 'labvddk.conf'),
};
