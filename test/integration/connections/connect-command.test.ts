import { mkdtemp, readFile, readdir, rm, writeFile, mkdir, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectCommand, type ConnectDeps } from '../../../electron/cli/commands/connect-command';
import type { CommandContext } from '../../../electron/cli/command-action';
import { keychainAccount } from '../../../electron/connections/connection-profile';
import { OsKeychain } from '../../../electron/keychain/os-keychain';
import { startVcsim, type RunningLab as VcsimHandle } from '../../../electron/lab/vcsim-process';

const TRANSCRIPT_DIR = join(process.cwd(), 'test-output', 'connections');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lifeboat <args>` in-process with the connect command, a captured terminal and the real keychain. */
async function lifeboat(home: string, args: string[], terminal: { password?: string; interactive?: boolean; answer?: boolean } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = {
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive: terminal.interactive ?? false },
    exitCode: 0,
  };
  const deps: Partial<ConnectDeps> = {
    home: () => home,
    secrets: () => new OsKeychain(),
    readPassword: async () => {
      if (terminal.password === undefined) throw new Error('test asked for no password');
      return terminal.password;
    },
    confirm: async () => terminal.answer ?? false,
  };
  const program = new Command('lifeboat').option('--json', 'JSON output').exitOverride();
  createConnectCommand(deps)(program, ctx);
  for (const sub of program.commands) sub.exitOverride();
  await program.parseAsync(args, { from: 'user' });
  const run = { code: ctx.exitCode, stdout, stderr };
  await mkdir(TRANSCRIPT_DIR, { recursive: true });
  await appendFile(join(TRANSCRIPT_DIR, 'transcript.txt'), `$ lifeboat ${args.join(' ')}\n${stdout}${stderr}exit ${run.code}\n\n`);
  return run;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  }
  return out;
}

for (const mode of ['vcenter', 'esxi'] as const) {
  describe(`lifeboat connect against vcsim (${mode}) with the OS keychain`, () => {
    let lab: VcsimHandle;
    let home: string;
    const name = `lab-${mode}`;
    beforeAll(async () => {
      lab = await startVcsim({ mode });
      home = await mkdtemp(join(tmpdir(), 'lifeboat-connect-'));
      await mkdir(TRANSCRIPT_DIR, { recursive: true });
      await writeFile(join(TRANSCRIPT_DIR, 'transcript.txt'), '');
    });
    afterAll(async () => {
      await new OsKeychain().delete(keychainAccount({ name, user: lab.info.username, server: new URL(lab.info.url).host })).catch(() => false);
      await lab?.stop();
      await rm(home, { recursive: true, force: true });
    });

    it('refuses to trust silently when not on a terminal and shows both thumbprints', async () => {
      const r = await lifeboat(home, ['--json', 'connect', 'add', lab.info.url, '--user', lab.info.username, '--name', name], { password: lab.info.password });
      expect(r.code).toBe(3);
      const out = JSON.parse(r.stdout) as { error: { message: string; hint: string } };
      expect(out.error.message).toContain('CONN-THUMBPRINT');
      expect(out.error.message).toContain(lab.info.thumbprintSha256);
      expect(out.error.message).toContain(lab.info.thumbprintSha1);
      expect(out.error.hint).toContain(`--trust-thumbprint ${lab.info.thumbprintSha256}`);
      expect((await lifeboat(home, ['--json', 'connect', 'list'])).stdout).toContain('"connections": []');
    });

    it('asks on a terminal and saves nothing when the user says no', async () => {
      const r = await lifeboat(home, ['connect', 'add', lab.info.url, '--user', lab.info.username, '--name', name], { interactive: true, answer: false, password: lab.info.password });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`SHA-256: ${lab.info.thumbprintSha256}`);
      expect(r.stderr).toContain(`SHA-1:   ${lab.info.thumbprintSha1}`);
    });

    it('refuses a --trust-thumbprint that does not match the server as possible interception', async () => {
      const wrong = 'ab'.repeat(32);
      const r = await lifeboat(home, ['--json', 'connect', 'add', lab.info.url, '--user', lab.info.username, '--name', name, '--trust-thumbprint', wrong], { password: lab.info.password });
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/possible interception/);
    });

    it('reports a wrong password clearly and saves nothing', async () => {
      const r = await lifeboat(home, ['--json', 'connect', 'add', lab.info.url, '--user', lab.info.username, '--name', name, '--trust-thumbprint', lab.info.thumbprintSha256.toLowerCase()], { password: 'wrong-password' });
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).error.message).toMatch(/^wrong user name or password for 127\.0\.0\.1:\d+/);
      expect(await new OsKeychain().accounts()).not.toContain(keychainAccount({ name, user: lab.info.username, server: new URL(lab.info.url).host }));
    });

    it('adds after explicit trust on a terminal, lists, tests and keeps the password only in the keychain', async () => {
      const add = await lifeboat(home, ['connect', 'add', lab.info.url, '--user', lab.info.username, '--name', name], { interactive: true, answer: true, password: lab.info.password });
      expect(add.code, add.stderr).toBe(0);
      const account = keychainAccount({ name, user: lab.info.username, server: new URL(lab.info.url).host });
      expect(await new OsKeychain().get(account)).toBe(lab.info.password);

      const list = JSON.parse((await lifeboat(home, ['--json', 'connect', 'list'])).stdout) as { connections: Array<Record<string, unknown>> };
      expect(list.connections).toHaveLength(1);
      expect(list.connections[0]).toMatchObject({ name, user: lab.info.username, thumbprintSha256: lab.info.thumbprintSha256, thumbprintSha1: lab.info.thumbprintSha1, hasPassword: true });

      const test = await lifeboat(home, ['--json', 'connect', 'test', name]);
      expect(test.code, test.stdout).toBe(0);
      const tested = JSON.parse(test.stdout) as { apiType: string; counts: { hosts: number }; findings: unknown[] };
      expect(tested.apiType).toBe(mode === 'esxi' ? 'HostAgent' : 'VirtualCenter');
      expect(tested.counts.hosts).toBeGreaterThan(0);
      expect(tested.findings).toEqual([]);

      const text = await lifeboat(home, ['connect', 'test', name]);
      expect(text.stdout).toMatch(/logged in to/);
      expect(text.stderr).toMatch(/Connecting to/);
    });

    it('refuses a saved connection whose certificate changed (CONN-THUMBPRINT)', async () => {
      const file = join(home, 'connections.json');
      const original = await readFile(file, 'utf8');
      const data = JSON.parse(original) as { connections: Array<{ thumbprintSha256: string }> };
      data.connections[0]!.thumbprintSha256 = Array(32).fill('5A').join(':');
      await writeFile(file, JSON.stringify(data));
      const r = await lifeboat(home, ['--json', 'connect', 'test', name]);
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/CONN-THUMBPRINT.*possible interception/);
      // Adding the same server again under another name is refused too, even on a terminal.
      const again = await lifeboat(home, ['connect', 'add', lab.info.url, '--user', lab.info.username, '--name', `${name}-2`], { interactive: true, answer: true, password: lab.info.password });
      expect(again.code).toBe(3);
      expect(again.stderr).toMatch(/possible interception/);
      expect(again.stderr).toContain(`lifeboat connect remove ${name}`);
      await writeFile(file, original);
    });

    it('never writes the password to the config dir or the test output', async () => {
      const files = [...(await filesUnder(home)), ...(await filesUnder(join(process.cwd(), 'test-output')))];
      expect(files.some((f) => f.endsWith('connections.json'))).toBe(true);
      for (const f of files) {
        // Other test files run beside this one and remove their own outputs: a file gone since the listing holds nothing.
        const content = await readFile(f).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return Buffer.alloc(0);
          throw err;
        });
        expect(content.includes(Buffer.from(lab.info.password)), f).toBe(false);
      }
    });

    it('removes the connection and its keychain entry', async () => {
      const r = await lifeboat(home, ['--json', 'connect', 'remove', name]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ removed: name, passwordRemoved: true });
      expect(await new OsKeychain().get(keychainAccount({ name, user: lab.info.username, server: new URL(lab.info.url).host }))).toBeNull();
      expect((await lifeboat(home, ['--json', 'connect', 'remove', name])).code).toBe(2);
    });
  });
}

describe('lifeboat connect test on an ESXi host managed by vCenter', () => {
  let lab: VcsimHandle;
  let home: string;
  beforeAll(async () => {
    lab = await startVcsim({ mode: 'esxi', managed: true, managementServerIp: '10.9.8.7' });
    home = await mkdtemp(join(tmpdir(), 'lifeboat-connect-managed-'));
  });
  afterAll(async () => {
    await new OsKeychain().delete(`${lab.info.username}@${new URL(lab.info.url).host}`).catch(() => false);
    await lab?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('reports CONN-HOST-MANAGED with the managing vCenter address', async () => {
    const add = await lifeboat(home, ['--json', 'connect', 'add', lab.info.url, '--user', lab.info.username, '--name', 'esx', '--trust-thumbprint', lab.info.thumbprintSha256], { password: lab.info.password });
    expect(add.code, add.stdout).toBe(0);
    const r = await lifeboat(home, ['connect', 'test', 'esx']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/CONN-HOST-MANAGED \(blocks-writes\): .*managed by vCenter 10\.9\.8\.7/);
    await lifeboat(home, ['connect', 'remove', 'esx']);
  });
});
