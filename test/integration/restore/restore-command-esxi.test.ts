import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { vddkTmpDirectory } from '../../../electron/vddk/vddk-tmp-directory';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { parseDatastorePath } from '../../../electron/vsphere/datastore-files';
import { listVms } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { jsonEvents, resultEvent, runCliProcess, spawnCli } from '../../support/cli-process';
import { qemuImg } from '../disks/qemu-img';
import { startCliLab, type CliLab } from './cli-lab-fixture';
import { writeRaw } from './lab-restore-fixture';

/**
 * `lifeboat restore` of the lab's encrypted vTPM VM onto a standalone ESXi host,
 * which has no key provider: keeping the keys is a plan block before anything
 * changes (CRYPT-KMS-MISMATCH), unencrypted runs. And STEP-HOTADD-CLEANUP at the
 * start of every run, fresh or --resume, seen in the lab VDDK's own record of calls.
 */
describe('lifeboat restore onto a standalone ESXi host (CLI, lab esxi)', () => {
  let f: CliLab;
  beforeAll(async () => {
    f = await startCliLab('restore-cli-esxi', { mode: 'esxi' });
  }, 240_000);
  afterAll(async () => {
    await f?.close();
  });

  const vddkConfig = async (name: string, extra: Record<string, string | number> = {}) => {
    const file = join(f.dir, `${name}.conf`);
    await writeFile(file, labVddkConfig(f.lab.info, { extra: { 'labvddk.stateDir': f.dir, 'labvddk.serverMode': 'esxi', ...extra } }));
    return file;
  };
  const request = () => ['--point', f.pointId, '--connection', 'lab', '--datastore', f.lab.info.datastores[0]!.name];
  const restoreArgs = (name: string, config: string, encryption: string) => [
    'restore', ...f.repoArgs(), '--vddk-dir', labVddkDir(), '--vddk-config', config, ...request(), '--name', name, '--transport', 'nbdssl', '--encryption', encryption, '--yes',
  ];
  const cleanupLog = () => readFile(join(f.dir, 'labvddk-cleanup.log'), 'utf8').then((t) => t.split('\n').filter(Boolean), () => [] as string[]);
  /** What a job killed with a HotAdd disk open leaves in the Lifeboat folder's VDDK tmpDirectory: an attachment note of a dead process. */
  async function leaveHotAddAttachment(n: number) {
    const dead = spawnSync('true').pid;
    const notes = join(vddkTmpDirectory(f.env.LIFEBOAT_HOME!), 'labvddk-hotadd');
    await mkdir(notes, { recursive: true });
    await writeFile(join(notes, `${dead}-${n}`), `[LocalDS_0] crashed-job/disk-${n}.vmdk`);
  }

  it('CRYPT-KMS-MISMATCH blocks keeping the keys before anything changes; the remedy is --encryption unencrypted', async () => {
    const plan = await runCliProcess(f.cli, ['--json', 'plan', ...f.repoArgs(), ...request()], f.env);
    expect(plan.code, plan.stderr).toBe(3);
    const finding = JSON.parse(plan.stdout).findings.find((x: { rule: string }) => x.rule === 'CRYPT-KMS-MISMATCH');
    expect(finding).toMatchObject({ severity: 'block', remedy: expect.stringMatching(/--encryption unencrypted/) });
    const keep = await runCliProcess(f.cli, restoreArgs('esxi-keep', await vddkConfig('plain'), 'keep'), f.env);
    expect(keep.code, keep.stderr).toBe(3);
    expect(keep.stderr).toMatch(/CRYPT-KMS-MISMATCH/);
    expect((await listVms(f.session)).some((v) => v.name === 'esxi-keep')).toBe(false);
  });

  it('restores unencrypted without the vTPM, disks identical; HotAdd Cleanup ran first and cleaned what a crashed job left', async () => {
    await leaveHotAddAttachment(1);
    const before = (await cleanupLog()).length;
    const run = await runCliProcess(f.cli, ['--json', ...restoreArgs('esxi-plain', await vddkConfig('plain'), 'unencrypted')], f.env);
    expect(run.code, run.stderr).toBe(0);
    expect(jsonEvents(run.stdout).find((e) => e.event === 'plan')!.plan).toMatchObject({ ok: true, encryption: 'unencrypted' });
    expect(resultEvent(run.stdout).outcome).toBe('succeeded');
    // One Cleanup for this run (NBDSSL needs none at the end), and it found the leftover.
    expect((await cleanupLog()).slice(before)).toEqual([expect.stringMatching(/^cleanup \S+ cleaned=1 remaining=0$/)]);
    const vm = (await listVms(f.session)).find((v) => v.name === 'esxi-plain')!;
    const { config } = await fetchVmConfigInfo(f.session, vm.ref);
    expect(config.hasVtpm).toBe(false);
    expect(config.keyId).toBeUndefined();
    for (const disk of config.disks) {
      const source = [...f.disks.values()].find((img) => img.capacity === disk.capacityBytes)!;
      const local = join(f.lab.info.datastores[0]!.folder, parseDatastorePath(disk.fileName).path);
      const compare = await qemuImg('compare', '-F', 'raw', local, await writeRaw(join(f.dir, `src-${disk.key}.raw`), source));
      expect(compare.code, compare.stdout + compare.stderr).toBe(0);
    }
  });

  it('runs HotAdd Cleanup at the start of a run and again at the start of its --resume', async () => {
    await leaveHotAddAttachment(2);
    const before = (await cleanupLog()).length;
    const child = spawnCli(f.cli, restoreArgs('esxi-killed', await vddkConfig('slow', { 'labvddk.fault.delayMs': 400 }), 'unencrypted'), f.env);
    let stderr = '';
    const jobId = await new Promise<string>((resolve, reject) => {
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
        const job = stderr.match(/Job (restore-\S+)/)?.[1];
        if (job && /Write the allocated extents of every disk…/.test(stderr)) resolve(job);
      });
      child.on('exit', () => reject(new Error(`restore ended before it could be killed:\n${stderr}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    // Killed while writing: the run's Cleanup had already happened, before any disk was opened.
    expect((await cleanupLog()).slice(before)).toEqual([expect.stringMatching(/cleaned=1 remaining=0$/)]);

    await leaveHotAddAttachment(3);
    const resumed = await runCliProcess(f.cli, ['--json', 'restore', '--resume', jobId, ...f.repoArgs(), '--vddk-dir', labVddkDir(), '--vddk-config', await vddkConfig('plain')], f.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resultEvent(resumed.stdout).outcome).toBe('succeeded');
    expect((await cleanupLog()).slice(before)).toEqual([expect.stringMatching(/cleaned=1 remaining=0$/), expect.stringMatching(/cleaned=1 remaining=0$/)]);
  });
});
