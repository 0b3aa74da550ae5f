import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../electron/lab/lab-vddk-config';
import { labVddkDir } from '../../electron/vddk/vddk-discovery';
import { parseDatastorePath } from '../../electron/vsphere/datastore-files';
import { listVms } from '../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../electron/vsphere/vm-config-info';
import { qemuImg } from '../integration/disks/qemu-img';
import { startCliLab, type CliLab } from '../integration/restore/cli-lab-fixture';
import { writeRaw } from '../integration/restore/lab-restore-fixture';
import { resultEvent, runCliProcess, spawnCli } from '../support/cli-process';

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
  let f: CliLab;
  const tally = { tried: 0, survived: 0, lost: 0 };

  beforeAll(async () => {
    f = await startCliLab('kill-matrix');
    await writeFile(join(f.dir, 'lab.conf'), labVddkConfig(f.lab.info, { extra: { 'labvddk.stateDir': join(f.dir, 'vddk-state'), 'labvddk.serverMode': 'vcenter' } }));
  }, 240_000);

  afterAll(async () => {
    console.log(`kill matrix: tried ${tally.tried}, survived ${tally.survived}, lost ${tally.lost}`);
    await f?.close();
  });

  const common = () => [...f.repoArgs(), '--vddk-dir', labVddkDir(), '--vddk-config', join(f.dir, 'lab.conf')];

  for (const [i, point] of KILL_POINTS.entries()) {
    it(`killed at ${point}: the resume ends with one VM, identical disks, change tracking on`, async () => {
      tally.tried++;
      const name = `killed-${i}`;
      const child = spawnCli(
        f.cli,
        ['restore', ...common(), '--point', f.pointId, '--connection', 'lab', '--datastore', f.lab.info.datastores[0]!.name, '--name', name, '--transport', 'nbdssl', '--yes'],
        { ...f.env, LIFEBOAT_FAULT_KILL_AT: point },
      );
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, sig) => done(sig)));
      expect(signal, stderr).toBe('SIGKILL');
      const jobId = stderr.match(/Job (restore-\S+)/)?.[1];
      expect(jobId, stderr).toBeTruthy();

      const resumed = await runCliProcess(f.cli, ['--json', 'restore', '--resume', jobId!, ...common()], f.env);
      expect(resumed.code, resumed.stderr).toBe(0);
      const report = resultEvent(resumed.stdout);
      expect(report.outcome).toBe('succeeded');
      // Disks verified by the killed run stay "verified" in the resumed job's report.
      expect(report.disks.map((d: { verified: boolean | null }) => d.verified)).toEqual(report.disks.map(() => true));
      const vms = (await listVms(f.session)).filter((v) => v.name === name);
      expect(vms).toHaveLength(1);
      const { config } = await fetchVmConfigInfo(f.session, vms[0]!.ref);
      expect(config.changeTrackingEnabled).toBe(true);
      for (const disk of config.disks) {
        const source = [...f.disks.values()].find((img) => img.capacity === disk.capacityBytes)!;
        const local = join(f.lab.info.datastores[0]!.folder, parseDatastorePath(disk.fileName).path);
        const compare = await qemuImg('compare', '-F', 'raw', local, await writeRaw(join(f.dir, `src-${i}-${disk.key}.raw`), source));
        expect(compare.code, compare.stdout + compare.stderr).toBe(0);
      }
      tally.survived++;
    });
  }
});
