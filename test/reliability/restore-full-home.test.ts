import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../electron/lab/lab-vddk-config';
import { labVddkDir } from '../../electron/vddk/vddk-discovery';
import { listVms } from '../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../electron/vsphere/vm-config-info';
import { startCliLab, type CliLab } from '../integration/restore/cli-lab-fixture';
import { jsonEvents, resultEvent } from '../support/cli-process';

const run = promisify(execFile);

/**
 * A restore whose Lifeboat folder fills up while it writes (a real tmpfs of its
 * own, mounted in a private mount namespace): the process must not die, the
 * closing steps must run (change tracking back on, EndAccess), and the report —
 * which cannot be saved — must come out on stderr.
 */
describe('restore with a full Lifeboat folder (ENOSPC on the checkpoint and report)', () => {
  let f: CliLab;

  // Connection "lab" is saved into a seed folder that the test copies onto the small tmpfs.
  beforeAll(async () => {
    f = await startCliLab('full-home', { home: 'seed-home' });
  }, 240_000);

  afterAll(async () => {
    await f?.close();
  });

  it('keeps running, runs the closing steps and prints the report it could not save', async () => {
    const dir = f.dir;
    const config = join(dir, 'slow.conf');
    await writeFile(config, labVddkConfig(f.lab.info, { extra: { 'labvddk.stateDir': join(dir, 'vddk-state'), 'labvddk.serverMode': 'vcenter', 'labvddk.fault.delayMs': 300 } }));
    const home = join(dir, 'home');
    const args = [
      f.cli, '--json', 'restore', ...f.repoArgs(), '--point', f.pointId,
      '--connection', 'lab', '--datastore', f.lab.info.datastores[0]!.name, '--name', 'full-home', '--transport', 'nbdssl',
      '--yes', '--vddk-dir', labVddkDir(), '--vddk-config', config,
    ];
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // The Lifeboat folder is a 1 MiB tmpfs; once the disks are being written, it is filled to the last byte.
    const script = `
      set -u
      mkdir -p '${home}'
      mount -t tmpfs -o size=1m lifeboat-full-home '${home}'
      cp -a '${join(dir, 'seed-home')}/.' '${home}/'
      LIFEBOAT_HOME='${home}' '${process.execPath}' ${quoted} > '${dir}/out' 2> '${dir}/err' &
      pid=$!
      for i in $(seq 1 600); do grep -q '"event":"progress","phase":"write-disks"' '${dir}/out' && break; sleep 0.1; done
      dd if=/dev/zero of='${home}/filler' bs=4k 2>/dev/null
      df -k '${home}' | tail -1 > '${dir}/df'
      wait $pid
      echo $? > '${dir}/code'
    `;
    await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { env: process.env, timeout: 170_000 });
    const code = Number((await readFile(join(dir, 'code'), 'utf8')).trim());
    const stdout = await readFile(join(dir, 'out'), 'utf8');
    const stderr = await readFile(join(dir, 'err'), 'utf8');
    expect((await readFile(join(dir, 'df'), 'utf8')).split(/\s+/)[3]).toBe('0');
    // No crash: no stack trace, an orderly exit with the restore done from memory.
    expect(stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/the report could not be saved in .*ENOSPC/);
    const report = resultEvent(stdout);
    expect(report.outcome).toBe('succeeded');
    expect(report.reportFiles).toBeNull();
    expect(report.warnings.join(' ')).toMatch(/checkpoint .* could not be saved: .*ENOSPC/);
    for (const phase of ['cbt-on', 'end-access']) expect(report.steps.find((s: { phase: string }) => s.phase === phase)?.status).toBe('done');
    expect(jsonEvents(stdout).filter((e) => e.event === 'progress').length).toBeGreaterThan(0);
    // Change tracking is back on for the restored VM.
    const vm = (await listVms(f.session)).find((v) => v.name === 'full-home')!;
    const { raw } = await fetchVmConfigInfo(f.session, vm.ref);
    expect(String(raw.changeTrackingEnabled)).toBe('true');
  }, 180_000);
});
