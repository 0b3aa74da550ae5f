import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupJobOptions } from '../../../electron/backup/backup-runner';
import { LAB_VMS, type LabInfo } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { parseDatastorePath } from '../../../electron/vsphere/datastore-files';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VddkSession } from '../../../electron/vddk/vddk-session';
import { listVms } from '../../../electron/vsphere/inventory';
import { VimSession } from '../../../electron/vsphere/vim-session';
import type { MoRef } from '../../../electron/vsphere/vim-types';
import { TEST_KDF } from '../../unit/repository/repository-fixtures';
import { ensureNativeBuilt } from '../vddk/lab-vddk-fixture';

/** Local path of a `[datastore] dir/name.vmdk` disk's flat extent in the running lab. */
export function flatExtentPath(info: LabInfo, fileName: string): string {
  const { datastore, path } = parseDatastorePath(fileName);
  const ds = info.datastores.find((d) => d.name === datastore);
  if (!ds) throw new Error(`the lab has no datastore ${datastore}`);
  return join(ds.folder, path.replace(/\.vmdk$/, '-flat.vmdk'));
}

/** The EndAccess/PrepareForAccess record the lab VDDK keeps in its state folder. */
export function accessLog(stateDir: string): string[] {
  try {
    return readFileSync(join(stateDir, 'labvddk-access.log'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Writes through the lab VDDK as a guest would (so its change log records
 * the writes), on the VM's live disk, then closes everything.
 */
export async function writeThroughLabVddk(
  info: LabInfo,
  vmMoref: string,
  fileName: string,
  writes: Array<{ offset: number; data: Buffer }>,
): Promise<void> {
  const session = await VddkSession.start({ vddkDir: labVddkDir(), extraConfigText: labVddkConfig(info) });
  try {
    const conn = await session.connect({
      server: new URL(info.url).hostname,
      thumbprint: info.thumbprintSha1,
      userName: info.username,
      password: info.password,
      vmxSpec: `moref=${vmMoref}`,
      transports: ['nbdssl'],
    });
    const disk = await conn.openDisk(fileName, { keepaliveMs: 0 });
    try {
      for (const w of writes) await disk.write(w.offset, w.data);
      await disk.flush();
    } finally {
      await disk.close();
    }
  } finally {
    await session.close();
  }
}

/** A vCenter lab (no bulk VMs) whose thin/thick VM is backed up into a fresh repository, and the backup job's options. */
export interface BackupLab {
  lab: RunningLab;
  session: VimSession;
  repo: Repository;
  /** The lab's thin/thick VM. */
  vm: MoRef;
  work: string;
  /** The lab VDDK's state folder (its call logs). */
  stateDir: string;
  /** Options of a backup of the thin/thick VM over nbdssl with the lab VDDK; `extraConfig` adds lab VDDK settings. */
  jobOptions: (extra?: Partial<BackupJobOptions>, extraConfig?: Record<string, string | number>) => BackupJobOptions;
  close: () => Promise<void>;
}

/** Starts the lab in a new folder named after `prefix`; `tmpDirectory` gives VDDK a persistent tmpDirectory inside it. */
export async function startBackupLab(prefix: string, options: { tmpDirectory?: boolean } = {}): Promise<BackupLab> {
  ensureNativeBuilt();
  const work = mkdtempSync(join(tmpdir(), prefix));
  const stateDir = join(work, 'state');
  mkdirSync(stateDir);
  const lab = await startVcsim({ mode: 'vcenter', vms: 0, datastoreRoot: work });
  const session = await VimSession.connect({
    url: lab.info.url,
    username: lab.info.username,
    password: async () => lab.info.password,
    trustedSha256: lab.info.thumbprintSha256,
  });
  const repo = await Repository.init(new LocalFolderBackend(join(work, 'repo')), 'pw', { kdf: TEST_KDF });
  const vm = (await listVms(session)).find((v) => v.name === LAB_VMS.thinThick)!.ref;
  return {
    lab,
    session,
    repo,
    vm,
    work,
    stateDir,
    jobOptions: (extra = {}, extraConfig = {}) => ({
      session,
      repo,
      vm: { name: LAB_VMS.thinThick },
      vddk: {
        dir: labVddkDir(),
        extraConfigText: labVddkConfig(lab.info),
        extraConfig: { 'labvddk.stateDir': stateDir, ...extraConfig },
        tmpRoot: work,
        ...(options.tmpDirectory ? { tmpDirectory: join(work, 'vddk-tmp') } : {}),
      },
      credentials: { userName: lab.info.username, password: async () => lab.info.password },
      thumbprintSha1: lab.info.thumbprintSha1,
      transports: ['nbdssl'],
      keepaliveMs: 0,
      ...extra,
    }),
    close: async () => {
      await session.close();
      await lab.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
