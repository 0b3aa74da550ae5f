import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../electron/cli/command-action';
import { createLabCommand } from '../../../electron/cli/commands/lab-command';
import type { SitePointsResult } from '../../../electron/cli/commands/lab-site-points-command';
import { OsKeychain } from '../../../electron/keychain/os-keychain';
import type { LabInfo, LabSiteVm } from '../../../electron/lab/lab-info';
import { buildVcsim } from '../../../electron/lab/vcsim-build';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { listVms } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { bundleCli, jsonEvents, runCliProcess } from '../../support/cli-process';
import { flatExtentPath } from '../backup/lab-backup-fixture';
import { ensureNativeBuilt } from '../vddk/lab-vddk-fixture';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function lifeboat(home: string, args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = {
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive: false },
    exitCode: 0,
  };
  const program = new Command('lifeboat').option('--json', 'JSON output').exitOverride();
  createLabCommand({ home: () => home, secrets: () => new OsKeychain() })(program, ctx);
  for (const sub of program.commands) {
    sub.exitOverride();
    for (const inner of sub.commands) inner.exitOverride();
  }
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    return { code: 2, stdout, stderr: stderr + String(err) };
  }
  return { code: ctx.exitCode, stdout, stderr };
}

describe('lifeboat lab site-points (restore points of the site lab)', () => {
  let work: string;
  let home: string;
  let repoDir: string;
  let passwordFile: string;
  let lab: Pick<LabInfo, 'datastores' | 'siteVms' | 'url' | 'username' | 'thumbprintSha256'>;
  let keychainAccount: string;

  beforeAll(async () => {
    ensureNativeBuilt();
    await buildVcsim();
    work = await mkdtemp(join(tmpdir(), 'lifeboat-site-points-'));
    home = join(work, 'home');
    repoDir = join(work, 'site-repo');
    passwordFile = join(work, 'repo-password');
    await writeFile(passwordFile, 'site-pw\n', { mode: 0o600 });
  }, 180_000);

  afterAll(async () => {
    if (home) await lifeboat(home, ['lab', 'stop']);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('says how to get a site lab when none runs, or when the lab has no site', async () => {
    const none = await lifeboat(home, ['lab', 'site-points', '--repo', repoDir, '--password-file', passwordFile]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no lab is running/);
    expect(none.stderr).toMatch(/lifeboat lab start --site/);

    const plain = await lifeboat(home, ['--json', 'lab', 'start', '--vms', '0']);
    expect(plain.code).toBe(0);
    const noSite = await lifeboat(home, ['lab', 'site-points', '--repo', repoDir, '--password-file', passwordFile]);
    expect(noSite.code).toBe(1);
    expect(noSite.stderr).toMatch(/no site VMs/);
    expect((await lifeboat(home, ['lab', 'stop'])).code).toBe(0);
  }, 120_000);

  it('lab start --site runs the site lab in the background and remembers its VMs', async () => {
    const started = await lifeboat(home, ['--json', 'lab', 'start', '--site', '--vms', '0']);
    expect(started.code, started.stderr).toBe(0);
    const out = JSON.parse(started.stdout);
    expect(out.siteVms).toHaveLength(30);
    expect(out.hosts.filter((h: { cluster?: string }) => h.cluster === 'DC0_C0')).toHaveLength(3);
    lab = { datastores: out.datastores, siteVms: out.siteVms, url: out.url, username: out.username, thumbprintSha256: out.thumbprintSha256 };
    keychainAccount = out.keychainAccount;
    const text = await lifeboat(home, ['lab', 'status']);
    expect(text.stdout).toMatch(/Site: {7}30 VMs \(dc01, dc02, /);
  }, 120_000);

  it('refuses VM names the site does not have, before touching the repository', async () => {
    const run = await lifeboat(home, ['lab', 'site-points', '--repo', repoDir, '--password-file', passwordFile, '--vms', 'dc01,nosuchvm']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the site has no VM named nosuchvm/);
    expect(run.stderr).toMatch(/Site VMs: dc01, dc02/);
  });

  it('creates the repository and backs up the chosen site VMs with the lab VDDK; the points hold the lab disks byte for byte', async () => {
    const chosen = ['dc01', 'sql01', 'pg01'];
    const run = await lifeboat(home, ['--json', 'lab', 'site-points', '--repo', repoDir, '--password-file', passwordFile, '--vms', chosen.join(',')]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as SitePointsResult;
    expect(result.created).toBe(true);
    expect(result.points.map((p) => [p.vm, p.ok, p.kind])).toEqual(chosen.map((vm) => [vm, true, 'full']));

    const repo = await Repository.open(new LocalFolderBackend(repoDir), 'site-pw');
    const listed = await repo.listPoints();
    expect(listed.map((p) => p.vm).sort()).toEqual([...chosen].sort());
    for (const made of result.points) {
      const site = lab.siteVms.find((v) => v.name === made.vm) as LabSiteVm;
      const point = await repo.openPoint(made.pointId!);
      expect(point.manifest.disks).toHaveLength(site.diskMiB.length);
      for (const [n, disk] of point.manifest.disks.entries()) {
        const fileName = `[${site.datastore}] ${site.name}/${site.name}${n === 0 ? '' : `_${n}`}.vmdk`;
        expect(disk.fileName).toBe(fileName);
        expect(disk.capacity).toBe(site.diskMiB[n]! * 1024 * 1024);
        const saved = await point.disk(disk.key).read(0, disk.capacity);
        const live = await readFile(flatExtentPath(lab as LabInfo, fileName));
        expect(saved.equals(live)).toBe(true);
        expect(saved.readUInt16BE(510)).toBe(0x55aa);
      }
      // Encrypted site VMs keep what their restore needs (CRYPT-KEYS-SAVED, VTPM-RESTORE).
      if (site.encryption !== 'none') {
        expect(point.manifest.vtpm).toBeTruthy();
        expect(point.manifest.firmware).toBe('efi');
      }
    }
  }, 300_000);

  it('uses the existing repository the next time, with progress on stderr in text mode', async () => {
    const run = await lifeboat(home, ['lab', 'site-points', '--repo', repoDir, '--password-file', passwordFile, '--vms', 'dc01']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\[1\/1\] dc01: backing up \(32 MiB on site-ds-01, host DC0_C0_H0\)/);
    expect(run.stderr).toMatch(/\[1\/1\] dc01: restore point [0-9a-f]{12} \(incremental\)/);
    expect(run.stdout).toMatch(/^Used repository [0-9a-f]+ at /);
    expect(run.stdout).toMatch(/1 restore point made\./);
  }, 120_000);

  it('restores a fully encrypted site VM with the example plan\'s options, byte for byte the lab VM\'s disks', async () => {
    const points = await (await Repository.open(new LocalFolderBackend(repoDir), 'site-pw')).listPoints();
    const point = points.find((p) => p.vm === 'sql01')!;
    const cli = await bundleCli('site-restore');
    const env = { ...process.env, LIFEBOAT_HOME: home, LIFEBOAT_VDDK_DIR: labVddkDir(), LIFEBOAT_REPO: '', LIFEBOAT_REPO_PASSWORD_FILE: '' };
    // As resources/recovery/lab-site-recovery.yaml restores sql01: site-ds-02, the cluster's network, new keys, power on.
    const run = await runCliProcess(
      cli,
      ['--json', 'restore', '--repo', repoDir, '--password-file', passwordFile, '--point', point.id, '--connection', 'lab', '--datastore', 'site-ds-02',
        '--host', 'DC0_C0_H1', '--network-map', 'VM Network=lab-cluster-net', '--transport', 'nbdssl', '--encryption', 'new-keys', '--power-on', '--yes'],
      env,
    );
    const result = jsonEvents(run.stdout).find((e) => e.event === 'result');
    expect(result?.ok, run.stdout.slice(-3000) + run.stderr).toBe(true);

    const password = await new OsKeychain().get(keychainAccount);
    const session = await VimSession.connect({ url: lab.url, username: lab.username, password: async () => password!, trustedSha256: lab.thumbprintSha256 });
    try {
      const restored = (await listVms(session)).find((v) => v.name === 'sql01-restored')!;
      expect(restored.powerState).toBe('poweredOn');
      expect(restored.encrypted).toBe(true);
      const { config } = await fetchVmConfigInfo(session, restored.ref);
      expect(config.nics.map((n) => n.sourceNetwork)).toEqual(['lab-cluster-net']);
      const site = lab.siteVms.find((v) => v.name === 'sql01')!;
      expect(config.disks).toHaveLength(site.diskMiB.length);
      for (const [n, disk] of config.disks.entries()) {
        expect(disk.fileName.startsWith('[site-ds-02] ')).toBe(true);
        const source = `[${site.datastore}] sql01/sql01${n === 0 ? '' : `_${n}`}.vmdk`;
        const [a, b] = await Promise.all([readFile(flatExtentPath(lab as LabInfo, disk.fileName)), readFile(flatExtentPath(lab as LabInfo, source))]);
        expect(a.equals(b), `${disk.fileName} equals ${source}`).toBe(true);
      }
    } finally {
      await session.close().catch(() => undefined);
    }
  }, 300_000);

  it('refuses a wrong password for the existing repository', async () => {
    const wrong = join(work, 'wrong-password');
    await writeFile(wrong, 'not-it\n', { mode: 0o600 });
    const run = await lifeboat(home, ['lab', 'site-points', '--repo', repoDir, '--password-file', wrong, '--vms', 'dns01']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/password/i);
  });
});
