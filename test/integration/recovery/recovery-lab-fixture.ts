import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { bundleCli, runCliProcess } from '../../support/cli-process';
import type { MemoryDiskImage } from '../../unit/repository/memory-disk-image';
import { TEST_KDF } from '../../unit/repository/repository-fixtures';
import { addLabConnection } from '../restore/cli-lab-fixture';
import { labSession, labVmPoint, type LabVmPointOptions } from '../restore/lab-restore-fixture';

/** One site VM of a recovery rehearsal: a restore point named `name`, made from lab VM `from`. */
export interface SiteVmSpec extends Omit<LabVmPointOptions, 'pointVmName'> {
  name: string;
  /** The lab VM whose ConfigInfo the point carries (default: the thin/thick VM, two small plain disks). */
  from?: string;
}

export interface SitePoint {
  name: string;
  point: RestorePoint;
  disks: Map<number, MemoryDiskImage>;
}

/** A lab vCenter with restore points of a whole (small) site in one repository, and the CLI set up for it. */
export interface RecoveryLab {
  dir: string;
  lab: RunningLab;
  session: VimSession;
  cli: string;
  /** The CLI's environment: its own Lifeboat folder, the repository password from a file. */
  env: NodeJS.ProcessEnv;
  repoDir: string;
  repoPasswordFile: string;
  points: Map<string, SitePoint>;
  /** Writes a recovery plan file (YAML text) into the fixture's folder; returns its path. */
  writePlan: (fileName: string, yamlText: string) => Promise<string>;
  close: () => Promise<void>;
}

/**
 * Starts the lab (vCenter mode, `hosts` hosts in the cluster), writes one
 * restore point per site VM into one repository (password "pw"), bundles the
 * CLI and saves connection "lab" into the fixture's Lifeboat folder. For the
 * recovery tests (plan, run, resume, UI); needs the keychain `npm test` provides.
 */
export async function startRecoveryLab(name: string, site: SiteVmSpec[], options: { hosts?: number } = {}): Promise<RecoveryLab> {
  const dir = await mkdtemp(join(tmpdir(), `lifeboat-${name}-`));
  const lab = await startVcsim({ mode: 'vcenter', hosts: options.hosts ?? 3 });
  const session = await labSession(lab.info);
  const repoDir = join(dir, 'repo');
  const repo = await Repository.init(new LocalFolderBackend(repoDir), 'pw', { kdf: TEST_KDF });
  const points = new Map<string, SitePoint>();
  for (const spec of site) {
    const { from, name: vmName, ...pointOptions } = spec;
    const made = await labVmPoint(session, repo, from ?? LAB_VMS.thinThick, { ...pointOptions, pointVmName: vmName });
    points.set(vmName, { name: vmName, point: made.point, disks: made.disks });
  }
  const repoPasswordFile = join(dir, 'repo-password');
  await writeFile(repoPasswordFile, 'pw\n', { mode: 0o600 });
  const cli = await bundleCli(name);
  const env = { ...process.env, LIFEBOAT_HOME: join(dir, 'home'), LIFEBOAT_REPO: '', LIFEBOAT_REPO_PASSWORD_FILE: repoPasswordFile };
  await addLabConnection(cli, env, lab);
  return {
    dir,
    lab,
    session,
    cli,
    env,
    repoDir,
    repoPasswordFile,
    points,
    writePlan: async (fileName, yamlText) => {
      const file = join(dir, fileName);
      await writeFile(file, yamlText);
      return file;
    },
    close: async () => {
      await session.close().catch(() => undefined);
      await runCliProcess(cli, ['connect', 'remove', 'lab'], env).catch(() => undefined);
      await lab.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
