/**
 * A backup in a child process, to be killed mid-read by backup-leftovers.test.ts:
 * `node backup.cjs LAB_INFO_JSON REPO_DIR STATE_DIR WORK_DIR`. Prints `reading`
 * once the first bytes of a disk were read; every read is slowed by the lab VDDK.
 */
import { runBackup } from '../../../electron/backup/backup-runner';
import { LAB_VMS, labInfoSchema } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VimSession } from '../../../electron/vsphere/vim-session';

async function main(): Promise<void> {
  const [infoJson, repoDir, stateDir, work] = process.argv.slice(2);
  const info = labInfoSchema.parse(JSON.parse(infoJson!));
  const session = await VimSession.connect({
    url: info.url,
    username: info.username,
    password: async () => info.password,
    trustedSha256: info.thumbprintSha256,
  });
  const repo = await Repository.open(new LocalFolderBackend(repoDir!), 'pw');
  let said = false;
  await runBackup({
    session,
    repo,
    vm: { name: LAB_VMS.thinThick },
    vddk: {
      dir: labVddkDir(),
      extraConfigText: labVddkConfig(info),
      // Slow enough that a loaded machine still kills it mid-read, long before it could finish.
      extraConfig: { 'labvddk.stateDir': stateDir!, 'labvddk.fault.delayMs': 2000 },
      tmpRoot: work,
    },
    credentials: { userName: info.username, password: async () => info.password },
    thumbprintSha1: info.thumbprintSha1,
    transports: ['nbdssl'],
    keepaliveMs: 0,
    // Read every allocated area, so there is something to be killed in the middle of.
    full: true,
    onProgress: (p) => {
      if (!said && p.phase === 'reading' && p.bytesDone > 0) {
        said = true;
        process.stdout.write('reading\n');
      }
    },
  });
  process.stdout.write('finished\n');
}

void main();
