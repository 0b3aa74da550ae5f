import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { bundleCli, runCliProcess } from '../../support/cli-process';
import type { MemoryDiskImage } from '../../unit/repository/memory-disk-image';
import { encryptedVmPoint, labSession } from './lab-restore-fixture';

/** A lab vCenter with a restore point of its encrypted vTPM VM and the `lifeboat` CLI set up to restore it. */
export interface CliLab {
  dir: string;
  lab: RunningLab;
  session: VimSession;
  cli: string;
  /** The CLI's environment: its own Lifeboat folder (`home`, unless given), no repository from the outside. */
  env: NodeJS.ProcessEnv;
  pointId: string;
  /** The restore point's disks, in memory, to compare restored disks with. */
  disks: Map<number, MemoryDiskImage>;
  /** --repo and --password-file of the fixture's repository. */
  repoArgs: () => string[];
  close: () => Promise<void>;
}

/** Saves the lab as connection "lab" with `lifeboat connect add` (password on stdin, the lab's thumbprint trusted). */
export async function addLabConnection(cli: string, env: NodeJS.ProcessEnv, lab: RunningLab): Promise<void> {
  const added = await runCliProcess(
    cli,
    ['connect', 'add', lab.info.url, '--user', lab.info.username, '--name', 'lab', '--password-stdin', '--trust-thumbprint', lab.info.thumbprintSha256],
    env,
    lab.info.password,
  );
  expect(added.code, added.stderr).toBe(0);
}

/**
 * Starts the lab (vCenter mode unless told), makes the restore point, bundles the CLI and
 * saves connection "lab" with `connect add` into `home` (a folder under the
 * fixture's, by default "home"). For the CLI tests of restore, jobs and the
 * reliability suite; needs the keychain that `npm test` provides.
 */
export async function startCliLab(name: string, options: { home?: string; mode?: 'vcenter' | 'esxi' } = {}): Promise<CliLab> {
  const dir = await mkdtemp(join(tmpdir(), `lifeboat-${name}-`));
  const lab = await startVcsim({ mode: options.mode ?? 'vcenter' });
  const session = await labSession(lab.info);
  const cli = await bundleCli(name);
  const env = { ...process.env, LIFEBOAT_HOME: join(dir, options.home ?? 'home'), LIFEBOAT_REPO: '', LIFEBOAT_REPO_PASSWORD_FILE: '' };
  const made = await encryptedVmPoint(session, join(dir, 'repo'));
  await writeFile(join(dir, 'repo-password'), 'pw\n', { mode: 0o600 });
  await addLabConnection(cli, env, lab);
  return {
    dir,
    lab,
    session,
    cli,
    env,
    pointId: made.point.id,
    disks: made.disks,
    repoArgs: () => ['--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password')],
    close: async () => {
      await session.close().catch(() => undefined);
      await runCliProcess(cli, ['connect', 'remove', 'lab'], env).catch(() => undefined);
      await lab.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
