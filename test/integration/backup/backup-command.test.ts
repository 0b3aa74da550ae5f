import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupCommand } from '../../../electron/cli/commands/backup-command';
import { createJobsCommand } from '../../../electron/cli/commands/jobs-command';
import type { CommandContext } from '../../../electron/cli/command-action';
import { keychainAccount } from '../../../electron/connections/connection-profile';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { OsKeychain } from '../../../electron/keychain/os-keychain';
import type { SecretStore } from '../../../electron/keychain/secret-store';
import { LAB_VMS, labAuthority } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { TEST_KDF } from '../../unit/repository/repository-fixtures';
import { ensureNativeBuilt } from '../vddk/lab-vddk-fixture';

/** A keychain in memory, so the test needs no Secret Service session. */
class MemorySecrets implements SecretStore {
  readonly backend = 'memory';
  readonly map = new Map<string, string>();
  async get(a: string) {
    return this.map.get(a) ?? null;
  }
  async set(a: string, s: string) {
    this.map.set(a, s);
  }
  async delete(a: string) {
    return this.map.delete(a);
  }
  async accounts() {
    return [...this.map.keys()];
  }
}

describe('lifeboat backup (against the lab)', () => {
  let lab: RunningLab;
  let work: string;
  const secrets = new MemorySecrets();

  async function run(args: string[], store: SecretStore = secrets): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const ctx: CommandContext = {
      io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive: false },
      exitCode: 0,
    };
    const program = new Command('lifeboat').option('--json').exitOverride();
    createBackupCommand({ secrets: () => store, home: () => join(work, 'home') })(program, ctx);
    createJobsCommand({ home: () => join(work, 'home') })(program, ctx);
    for (const sub of program.commands)
      sub.exitOverride().configureOutput({ writeOut: (s) => void (stdout += s), writeErr: (s) => void (stderr += s) });
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch {
      return { code: 2, stdout, stderr };
    }
    return { code: ctx.exitCode, stdout, stderr };
  }

  beforeAll(async () => {
    ensureNativeBuilt();
    work = mkdtempSync(join(tmpdir(), 'lifeboat-backup-cli-'));
    mkdirSync(join(work, 'home'));
    lab = await startVcsim({ mode: 'vcenter', vms: 0, datastoreRoot: work });
    const profile = {
      name: 'lab',
      url: lab.info.url,
      server: labAuthority(lab.info),
      user: lab.info.username,
      thumbprintSha256: lab.info.thumbprintSha256,
      thumbprintSha1: lab.info.thumbprintSha1,
      trustedAt: new Date().toISOString(),
      addedAt: new Date().toISOString(),
    };
    await new ConnectionStore(join(work, 'home')).save(profile);
    await secrets.set(keychainAccount(profile), lab.info.password);
    await Repository.init(new LocalFolderBackend(join(work, 'repo')), 'repo-pw', { kdf: TEST_KDF });
    writeFileSync(join(work, 'repo-pw'), 'repo-pw\n', { mode: 0o600 });
    writeFileSync(join(work, 'labvddk.conf'), labVddkConfig(lab.info));
  }, 180_000);

  afterAll(async () => {
    await lab?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const base = () => [
    '--connection',
    'lab',
    '--vm',
    LAB_VMS.thinThick,
    '--repo',
    join(work, 'repo'),
    '--password-file',
    join(work, 'repo-pw'),
    '--vddk-dir',
    labVddkDir(),
    '--vddk-config',
    join(work, 'labvddk.conf'),
  ];

  it('backs up with progress on stderr in text mode, then an incremental with --json', async () => {
    const text = await run(['backup', ...base()]);
    expect(text.stderr).toMatch(/creating snapshot "Lifeboat backup/);
    expect(text.stderr).toMatch(/reading .* from 2 disk\(s\)/);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Restore point [0-9a-f]+ \(full\)/);
    expect(text.stdout).toMatch(/skipped, independent_persistent \(BACKUP-SKIP-INDEPENDENT\)/);

    const json = await run(['--json', 'backup', ...base()]);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const result = JSON.parse(json.stdout);
    expect(result.kind).toBe('incremental');
    expect(result.bytesRead).toBe(0);
    expect(result.disks).toHaveLength(2);
    expect(result.rulesApplied).toContain('BACKUP-SAVE-CONFIG');
    // The lab password never shows up in output.
    expect(json.stdout + text.stdout + text.stderr).not.toContain(lab.info.password);
  }, 120_000);

  it('lifeboat jobs list and show: the CLI backups are listed with kind, VM, state, time and their report', async () => {
    const list = await run(['--json', 'jobs', 'list']);
    expect(list.code).toBe(0);
    const backups = (JSON.parse(list.stdout).jobs as Array<Record<string, unknown>>).filter((j) => j.kind === 'backup');
    // Newest first: the incremental, then the full of the test before.
    expect(backups.map((j) => [j.backupKind, j.vm, j.connection, j.state])).toEqual([
      ['incremental', LAB_VMS.thinThick, 'lab', 'succeeded'],
      ['full', LAB_VMS.thinThick, 'lab', 'succeeded'],
    ]);
    for (const j of backups) {
      expect(j.finishedAt).toEqual(expect.any(String));
      expect(j.pointId).toMatch(/^[0-9a-f]+$/);
      expect(j.reportFiles).toMatchObject({ json: expect.stringContaining(join('jobs', 'backups')) });
    }
    const text = await run(['jobs', 'list']);
    expect(text.stdout).toMatch(/backup-\S+ +succeeded +backup \(incremental\) +/);
    const show = await run(['jobs', 'show', String(backups[1]!.id)]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`restore point ${String(backups[1]!.pointId)} (full)`);
    expect(show.stdout).toContain(`repository ${join(work, 'repo')}`);
    const resume = await run(['--json', 'jobs', 'resume', String(backups[1]!.id)]);
    expect(JSON.parse(resume.stdout).error).toMatchObject({ code: 'job-not-resumable' });
  });

  it('with the OS keychain: the connection password and a remembered repository password come from it', async () => {
    // A test-only service name keeps the user's real Lifeboat entries out of reach.
    const keychain = new OsKeychain(`lifeboat-test-backup-${process.pid}`);
    const profile = (await new ConnectionStore(join(work, 'home')).get('lab'))!;
    try {
      await keychain.set(keychainAccount(profile), lab.info.password);
      const first = await run(['--json', 'backup', ...base(), '--remember'], keychain);
      expect(first.code).toBe(0);
      expect(await keychain.accounts()).toHaveLength(2);
      const withoutFile = base().filter((a, i, all) => a !== '--password-file' && all[i - 1] !== '--password-file');
      const second = await run(['--json', 'backup', ...withoutFile], keychain);
      expect(second.code).toBe(0);
      expect(JSON.parse(second.stdout).kind).toBe('incremental');
    } finally {
      for (const account of await keychain.accounts()) await keychain.delete(account);
    }
  }, 120_000);

  it('says what was wrong and what to do: unknown connection, unknown VM, bad transport', async () => {
    const noConn = await run(['--json', 'backup', ...base().map((a) => (a === 'lab' ? 'nope' : a))]);
    expect(noConn.code).toBe(2);
    expect(JSON.parse(noConn.stdout).error.hint).toMatch(/connect list/);

    const noVm = await run(['backup', ...base().map((a) => (a === LAB_VMS.thinThick ? 'no-such-vm' : a))]);
    expect(noVm.code).toBe(1);
    expect(noVm.stderr).toMatch(/No virtual machine named "no-such-vm"/);

    const badTransport = await run(['backup', ...base(), '--transport', 'carrier-pigeon']);
    expect(badTransport.code).toBe(2);
    expect(badTransport.stderr).toMatch(/unknown transport/);
  }, 60_000);
});
