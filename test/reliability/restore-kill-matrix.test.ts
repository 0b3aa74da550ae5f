import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../electron/lab/vcsim-process';
import { labVddkDir } from '../../electron/vddk/vddk-discovery';
import { parseDatastorePath } from '../../electron/vsphere/datastore-files';
import { listVms } from '../../electron/vsphere/inventory';
import type { VimSession } from '../../electron/vsphere/vim-session';
import { fetchVmConfigInfo } from '../../electron/vsphere/vm-config-info';
import { qemuImg } from '../integration/disks/qemu-img';
import { encryptedVmPoint, labSession, writeRaw } from '../integration/restore/lab-restore-fixture';
import { bundleCli, resultEvent, runCliProcess, spawnCli } from '../support/cli-process';
import type { MemoryDiskImage } from '../unit/repository/memory-disk-image';

/**
 * kill -9 at every point of a restore (VM creation included), then
 * `restore --resume`: every run ends with one VM of that name, disks
 * byte-identical to the restore point (judged by qemu-img) and change tracking
 * back on. The kill is a real SIGKILL the process sends itself at the point
 * (LIFEBOAT_FAULT_KILL_AT), so no handler runs, as with kill -9.
 */
const KILL_POINTS = [
  'create-vm:before-record',
  'after:create-vm',
  'after:prepare-access',
  'after:cbt-off',
  'after:write-disks',
  'after:verify-disks',
  'after:nvram',
  'after:cbt-on',
  'after:end-access',
];

describe('kill -9 at every restore point, then resume (lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let cli: string;
  let session: VimSession;
  let pointId: string;
  let disks: Map<number, MemoryDiskImage>;
  let env: NodeJS.ProcessEnv;
  const tally = { tried: 0, survived: 0, lost: 0 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-kill-matrix-'));
    lab = await startVcsim({ mode: 'vcenter' });
    cli = await bundleCli('kill-matrix');
    env = { ...process.env, LIFEBOAT_HOME: join(dir, 'home'), LIFEBOAT_REPO: '', LIFEBOAT_REPO_PASSWORD_FILE: '' };
    session = await labSession(lab.info);
    const made = await encryptedVmPoint(session, join(dir, 'repo'));
    pointId = made.point.id;
    disks = made.disks;
    await writeFile(join(dir, 'repo-password'), 'pw\n', { mode: 0o600 });
    await writeFile(join(dir, 'lab.conf'), labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': join(dir, 'vddk-state'), 'labvddk.serverMode': 'vcenter' } }));
    const added = await runCliProcess(
      cli,
      ['connect', 'add', lab.info.url, '--user', lab.info.username, '--name', 'lab', '--password-stdin', '--trust-thumbprint', lab.info.thumbprintSha256],
      env,
      lab.info.password,
    );
    expect(added.code, added.stderr).toBe(0);
  }, 240_000);

  afterAll(async () => {
    console.log(`kill matrix: tried ${tally.tried}, survived ${tally.survived}, lost ${tally.lost}`);
    await session?.close().catch(() => undefined);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const common = () => ['--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--vddk-dir', labVddkDir(), '--vddk-config', join(dir, 'lab.conf')];

  for (const [i, point] of KILL_POINTS.entries()) {
    it(`killed at ${point}: the resume ends with one VM, identical disks, change tracking on`, async () => {
      tally.tried++;
      const name = `killed-${i}`;
      const child = spawnCli(
        cli,
        ['restore', ...common(), '--point', pointId, '--connection', 'lab', '--datastore', lab.info.datastores[0]!.name, '--name', name, '--transport', 'nbdssl', '--yes'],
        { ...env, LIFEBOAT_FAULT_KILL_AT: point },
      );
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, sig) => done(sig)));
      expect(signal, stderr).toBe('SIGKILL');
      const jobId = stderr.match(/Job (restore-\S+)/)?.[1];
      expect(jobId, stderr).toBeTruthy();

      const resumed = await runCliProcess(cli, ['--json', 'restore', '--resume', jobId!, ...common()], env);
      expect(resumed.code, resumed.stderr).toBe(0);
      const report = resultEvent(resumed.stdout);
      expect(report.outcome).toBe('succeeded');
      // Disks verified by the killed run stay "verified" in the resumed job's report.
      expect(report.disks.map((d: { verified: boolean | null }) => d.verified)).toEqual(report.disks.map(() => true));
      const vms = (await listVms(session)).filter((v) => v.name === name);
      expect(vms).toHaveLength(1);
      const { config } = await fetchVmConfigInfo(session, vms[0]!.ref);
      expect(config.changeTrackingEnabled).toBe(true);
      for (const disk of config.disks) {
        const source = [...disks.values()].find((img) => img.capacity === disk.capacityBytes)!;
        const local = join(lab.info.datastores[0]!.folder, parseDatastorePath(disk.fileName).path);
        const compare = await qemuImg('compare', '-F', 'raw', local, await writeRaw(join(dir, `src-${i}-${disk.key}.raw`), source));
        expect(compare.code, compare.stdout + compare.stderr).toBe(0);
      }
      tally.survived++;
    });
  }
});
