import { statfs, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { LabView } from '../api/schemas/lab-schema';
import { BadInputError, LifeboatError } from '../errors/lifeboat-error';
import type { SecretStore } from '../keychain/secret-store';
import { backgroundLabStatus, LabAlreadyRunningError, startBackgroundLab, stopBackgroundLab, type LabStatus } from '../lab/lab-daemon';
import type { LabMode } from '../lab/lab-info';
import { labRootOf } from '../lab/lab-leftovers';
import { readLabState, type LabState } from '../lab/lab-state';

/** Where a new lab makes its datastore folders when no root is given (as test/lab/vcsim/lab.go does). */
const DEFAULT_SPACE_FOLDERS = ['/dev/shm', tmpdir()];

async function spaceOf(folders: string[]): Promise<{ folder: string; freeBytes: number | null; totalBytes: number | null }> {
  for (const folder of folders) {
    try {
      const s = await statfs(folder);
      return { folder, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch {
      // Not on this system (no /dev/shm): try the next one.
    }
  }
  return { folder: folders[folders.length - 1] ?? tmpdir(), freeBytes: null, totalBytes: null };
}

/** The same start options the lab had, so a reset brings back the same lab. */
export function startOptionsOf(state: LabState): { mode: LabMode; hosts?: number; vms: number; managed?: boolean; site?: boolean } {
  if (state.mode === 'esxi') return { mode: 'esxi', vms: state.bulkVms, managed: state.hosts.some((h) => h.managementServerIp !== undefined) };
  // --hosts counts the cluster's hosts; the standalone DC0_H0 comes with every vcenter lab.
  const clusterHosts = state.hosts.filter((h) => h.cluster !== undefined).length;
  return { mode: 'vcenter', hosts: Math.max(1, clusterHosts), vms: state.bulkVms, site: state.siteVms.length > 0 };
}

/**
 * The Lab page's side of the API: status, start, stop and reset of the
 * background lab, through the very functions `lifeboat lab` uses, so the
 * page and the command line see and control the same lab. One operation at
 * a time: a second one while the first runs is refused, not queued.
 */
export class LabHandlers {
  private busy: string | null = null;
  private keychainProblem: string | null = null;

  constructor(
    private readonly home: string,
    private readonly secrets: SecretStore,
  ) {}

  async status(): Promise<LabView> {
    return this.view(await backgroundLabStatus(this.home));
  }

  start(mode: LabMode): Promise<LabView> {
    return this.exclusive(`starting the lab in ${mode} mode`, () => this.startLab({ mode, vms: 4, ...(mode === 'vcenter' ? { hosts: 2 } : {}) }));
  }

  stop(): Promise<LabView> {
    return this.exclusive('stopping the lab', async () => {
      await stopBackgroundLab(this.home, this.secrets);
      this.keychainProblem = null;
      return this.status();
    });
  }

  /** Stop, remove the datastore folders (a --keep lab keeps them otherwise), start again in the same mode: fresh disks, the special VMs back. */
  reset(): Promise<LabView> {
    return this.exclusive('resetting the lab', async () => {
      const state = await readLabState(this.home);
      if (!state) throw new BadInputError('no lab has been started, so there is nothing to reset', 'lab-not-started', 'Start the lab first.');
      await stopBackgroundLab(this.home, this.secrets);
      for (const d of state.datastores) await rm(d.folder, { recursive: true, force: true });
      return this.startLab(startOptionsOf(state));
    });
  }

  private async startLab(options: { mode: LabMode; hosts?: number; vms: number; managed?: boolean; site?: boolean }): Promise<LabView> {
    try {
      const started = await startBackgroundLab(this.home, this.secrets, options);
      // The password is never sent to a client: without a keychain, say so and point to the command line.
      this.keychainProblem = started.keychainError ?? null;
    } catch (err) {
      if (err instanceof LabAlreadyRunningError) {
        throw new BadInputError(err.message, 'lab-already-running', 'Stop it first, or reset it.');
      }
      throw err;
    }
    return this.status();
  }

  private async exclusive(what: string, run: () => Promise<LabView>): Promise<LabView> {
    if (this.busy) throw new LifeboatError(`the lab is busy ${this.busy}`, { code: 'lab-busy', kind: 'bad-input', hint: 'Wait until it has finished, then try again.' });
    this.busy = what;
    try {
      return await run();
    } finally {
      this.busy = null;
    }
  }

  private async view(status: LabStatus): Promise<LabView> {
    const s = status.state;
    const root = s && status.running ? labRootOf(s.datastores) : undefined;
    const space = await spaceOf(root ? [root] : DEFAULT_SPACE_FOLDERS);
    const live = status.running ? s : undefined;
    return {
      running: status.running,
      answering: status.answering,
      detail: status.detail,
      mode: live?.mode ?? null,
      url: live?.url ?? null,
      pid: live?.pid ?? null,
      startedAt: live?.startedAt ?? null,
      datastores: (live?.datastores ?? []).map((d) => ({ name: d.name, type: d.type, folder: d.folder })),
      hosts: (live?.hosts ?? []).map((h) => h.name),
      vms: live?.vms ?? [],
      bulkVms: live?.bulkVms ?? 0,
      spaceFolder: space.folder,
      freeBytes: space.freeBytes,
      totalBytes: space.totalBytes,
      keychainProblem: live ? this.keychainProblem : null,
    };
  }
}
