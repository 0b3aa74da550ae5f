import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../electron/cli/command-action';
import { createLabCommand } from '../../../electron/cli/commands/lab-command';
import { keychainAccount, legacyKeychainAccount } from '../../../electron/connections/connection-profile';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { OsKeychain } from '../../../electron/keychain/os-keychain';
import { KeychainUnavailableError, type SecretStore } from '../../../electron/keychain/secret-store';
import { buildVcsim } from '../../../electron/lab/vcsim-build';
import { postSoap, login } from './soap-probe';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function lifeboat(home: string, secrets: SecretStore, args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = {
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive: false },
    exitCode: 0,
  };
  const program = new Command('lifeboat').option('--json', 'JSON output').exitOverride();
  createLabCommand({ home: () => home, secrets: () => secrets })(program, ctx);
  for (const sub of program.commands) sub.exitOverride();
  await program.parseAsync(args, { from: 'user' });
  return { code: ctx.exitCode, stdout, stderr };
}

/** A keychain that is not there, as on a headless box without a Secret Service. */
const noKeychain: SecretStore = {
  backend: 'none',
  get: async () => {
    throw new KeychainUnavailableError(new Error('no Secret Service'));
  },
  set: async () => {
    throw new KeychainUnavailableError(new Error('no Secret Service'));
  },
  delete: async () => {
    throw new KeychainUnavailableError(new Error('no Secret Service'));
  },
  accounts: async () => [],
};

let home: string;
beforeAll(async () => {
  await buildVcsim();
  home = await mkdtemp(join(tmpdir(), 'lifeboat-lab-cli-'));
});
afterAll(async () => {
  await lifeboat(home, new OsKeychain(), ['lab', 'stop']);
  await rm(home, { recursive: true, force: true });
});

describe('lifeboat lab with the OS keychain', () => {
  const keychain = new OsKeychain();
  let started: { url: string; username: string; keychainAccount: string; pid: number; datastores: Array<{ folder: string }> };

  it('start runs the lab in the background and keeps the password only in the keychain', async () => {
    const run = await lifeboat(home, keychain, ['--json', 'lab', 'start', '--vms', '2']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.ok).toBe(true);
    expect(out.password).toBeUndefined();
    expect(out.passwordSaved).toBe(true);
    expect(out.keychainAccount).toBe(`administrator@vsphere.local@${new URL(out.url).host} (connection lab)`);
    started = out;

    const password = await keychain.get(out.keychainAccount);
    expect(password).toBeTruthy();
    const state = await readFile(join(home, 'lab', 'state.json'), 'utf8');
    expect(state).not.toContain(password!);
    expect(JSON.parse(state).pid).toBe(out.pid);
    const log = await readFile(join(home, 'lab', 'vcsim.log'), 'utf8');
    expect(log).not.toContain(password!);

    const vddkConfig = await readFile(out.vddkConfigFile, 'utf8');
    expect(vddkConfig).toContain(`labvddk.datastore.LocalDS_0 = "${out.datastores[0].folder}"`);
    expect(vddkConfig).toContain(`labvddk.thumbprint = "${out.thumbprintSha1}"`);

    const reply = await postSoap(out.url, login('SessionManager', out.username, password!));
    expect(reply.status).toBe(200);
  });

  it('start refuses a second lab while one runs', async () => {
    const run = await lifeboat(home, keychain, ['lab', 'start']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('already running');
    expect(run.stderr).toContain('lifeboat lab stop');
  });

  it('status says it runs and answers', async () => {
    const json = await lifeboat(home, keychain, ['--json', 'lab', 'status']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ running: true, answering: true });
    expect(out.state.url).toBe(started.url);
    const text = await lifeboat(home, keychain, ['lab', 'status']);
    expect(text.stdout).toContain('running and answering');
    expect(text.stdout).toContain(started.url);
  });

  it('stop ends the process, removes its folders, the state and the keychain entry', async () => {
    // Another saved connection to the same user@host:port, and the shared entry an earlier version saved for it.
    const server = new URL(started.url).host;
    const other = { name: 'same-server', user: started.username, server };
    const lab = (await new ConnectionStore(home).get('lab'))!;
    await new ConnectionStore(home).save({ ...lab, name: other.name });
    await keychain.set(keychainAccount(other), 'other-password');
    await keychain.set(legacyKeychainAccount(other), 'other-password');
    const run = await lifeboat(home, keychain, ['lab', 'stop']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Lab stopped');
    expect(() => process.kill(started.pid, 0)).toThrow();
    for (const ds of started.datastores) expect(existsSync(ds.folder)).toBe(false);
    expect(existsSync(join(home, 'lab', 'state.json'))).toBe(false);
    expect(existsSync(join(home, 'lab', 'labvddk.conf'))).toBe(false);
    expect(await keychain.get(started.keychainAccount)).toBeNull();
    expect(await keychain.get(keychainAccount(other))).toBe('other-password');
    expect(await keychain.get(legacyKeychainAccount(other))).toBe('other-password');
    await keychain.delete(keychainAccount(other));
    await keychain.delete(legacyKeychainAccount(other));

    const status = await lifeboat(home, keychain, ['--json', 'lab', 'status']);
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: false });
    const again = await lifeboat(home, keychain, ['lab', 'stop']);
    expect(again.stdout).toContain('nothing to stop');
  });
});

describe('lifeboat lab without a keychain', () => {
  it('prints the password once and still writes no password to disk', async () => {
    const run = await lifeboat(home, noKeychain, ['lab', 'start', '--mode', 'esxi', '--managed', '--vms', '0']);
    try {
      expect(run.code).toBe(0);
      const password = /Password:\s+(\S+)/.exec(run.stdout)?.[1];
      expect(password).toMatch(/^Lb-/);
      expect(run.stdout).toContain('shown once');
      expect(run.stdout).toContain('managed by 192.0.2.10');
      const state = await readFile(join(home, 'lab', 'state.json'), 'utf8');
      expect(state).not.toContain(password!);
      expect(JSON.parse(state).passwordSaved).toBe(false);
    } finally {
      const stop = await lifeboat(home, noKeychain, ['lab', 'stop']);
      expect(stop.code).toBe(0);
    }
  });

  it('rejects bad options with a usage error', async () => {
    const mode = await lifeboat(home, noKeychain, ['lab', 'start', '--mode', 'workstation']);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('--mode must be vcenter or esxi');
    const managed = await lifeboat(home, noKeychain, ['lab', 'start', '--managed']);
    expect(managed.code).toBe(2);
  });
});
