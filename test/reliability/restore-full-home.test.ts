import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../electron/lab/vcsim-process';
import { labVddkDir } from '../../electron/vddk/vddk-discovery';
import { listVms } from '../../electron/vsphere/inventory';
import type { VimSession } from '../../electron/vsphere/vim-session';
import { fetchVmConfigInfo } from '../../electron/vsphere/vm-config-info';
import { encryptedVmPoint, labSession } from '../integration/restore/lab-restore-fixture';
import { bundleCli, jsonEvents, resultEvent, runCliProcess } from '../support/cli-process';

const run = promisify(execFile);

/**
 * A restore whose Lifeboat folder fills up while it writes (a real tmpfs of its
 * own, mounted in a private mount namespace): the process must not die, the
 * closing steps must run (change tracking back on, EndAccess), and the report —
 * which cannot be saved — must come out on stderr.
 */
describe('restore with a full Lifeboat folder (ENOSPC on the checkpoint and report)', () => {
  let dir: string;
  let lab: RunningLab;
  let session: VimSession;
  let cli: string;
  let pointId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-full-home-'));
    lab = await startVcsim({ mode: 'vcenter' });
    session = await labSession(lab.info);
    cli = await bundleCli('full-home');
    pointId = (await encryptedVmPoint(session, join(dir, 'repo'))).point.id;
    await writeFile(join(dir, 'repo-password'), 'pw\n', { mode: 0o600 });
    const added = await runCliProcess(
      cli,
      ['connect', 'add', lab.info.url, '--user', lab.info.username, '--name', 'lab', '--password-stdin', '--trust-thumbprint', lab.info.thumbprintSha256],
      { ...process.env, LIFEBOAT_HOME: join(dir, 'seed-home') },
      lab.info.password,
    );
    expect(added.code, added.stderr).toBe(0);
  });

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps running, runs the closing steps and prints the report it could not save', async () => {
    const config = join(dir, 'slow.conf');
    await writeFile(config, labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': join(dir, 'vddk-state'), 'labvddk.serverMode': 'vcenter', 'labvddk.fault.delayMs': 300 } }));
    const home = join(dir, 'home');
    const args = [
      cli, '--json', 'restore', '--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--point', pointId,
      '--connection', 'lab', '--datastore', lab.info.datastores[0]!.name, '--name', 'full-home', '--transport', 'nbdssl',
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
      for i in $(seq 1 600); do grep -q '"phase":"write-disks"' '${dir}/out' && break; sleep 0.1; done
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
    const vm = (await listVms(session)).find((v) => v.name === 'full-home')!;
    const { raw } = await fetchVmConfigInfo(session, vm.ref);
    expect(String(raw.changeTrackingEnabled)).toBe('true');
  }, 180_000);
});
