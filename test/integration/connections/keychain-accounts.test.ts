import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../electron/cli/command-action';
import { createConnectCommand } from '../../../electron/cli/commands/connect-command';
import { keychainAccount, legacyKeychainAccount } from '../../../electron/connections/connection-profile';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { OsKeychain } from '../../../electron/keychain/os-keychain';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';

/** `lifeboat connect …` in-process with the real keychain (a private Secret Service under npm test). */
async function connect(
  home: string,
  args: string[],
  password?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = {
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive: false },
    exitCode: 0,
  };
  const program = new Command('lifeboat').option('--json', 'JSON output').exitOverride();
  createConnectCommand({
    home: () => home,
    secrets: () => new OsKeychain(),
    readPassword: async () => {
      if (password === undefined) throw new Error('no password expected');
      return password;
    },
  })(program, ctx);
  for (const sub of program.commands) sub.exitOverride();
  await program.parseAsync(['connect', ...args], { from: 'user' });
  return { code: ctx.exitCode, stdout, stderr };
}

/** Issue 11 "also seen": one keychain account per connection; removing one never deletes another's password. */
describe('connection passwords: one keychain account per connection, earlier shared accounts migrated', () => {
  let lab: RunningLab;
  let home: string;
  let server: string;
  const keychain = new OsKeychain();
  const account = (name: string): string => keychainAccount({ name, user: lab.info.username, server });

  beforeAll(async () => {
    lab = await startVcsim({ mode: 'esxi' });
    home = await mkdtemp(join(tmpdir(), 'lifeboat-keychain-accounts-'));
    server = new URL(lab.info.url).host;
  });
  afterAll(async () => {
    for (const a of await keychain.accounts().catch(() => [])) if (a.includes(server)) await keychain.delete(a);
    await lab?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const add = (name: string) =>
    connect(
      home,
      ['add', lab.info.url, '--user', lab.info.username, '--name', name, '--trust-thumbprint', lab.info.thumbprintSha256],
      lab.info.password,
    );

  it('removing one of two connections to the same user@host:port keeps the other one working', async () => {
    expect((await add('first')).code).toBe(0);
    expect((await add('second')).code).toBe(0);
    expect(account('first')).not.toBe(account('second'));
    const removed = await connect(home, ['--json', 'remove', 'first']);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: 'first', passwordRemoved: true });
    expect(await keychain.get(account('first'))).toBeNull();
    expect(await keychain.get(account('second'))).toBe(lab.info.password);
    const tested = await connect(home, ['--json', 'test', 'second']);
    expect(tested.code, tested.stdout).toBe(0);
    expect((await connect(home, ['--json', 'remove', 'second'])).code).toBe(0);
  });

  it('uses and migrates a password an earlier version saved under the shared user@server account', async () => {
    // As an earlier version left things: two profiles, one shared keychain entry.
    expect((await add('template')).code).toBe(0);
    const store = new ConnectionStore(home);
    const template = (await store.get('template'))!;
    await connect(home, ['remove', 'template']);
    await store.save({ ...template, name: 'old-a' });
    await store.save({ ...template, name: 'old-b' });
    await keychain.set(legacyKeychainAccount(template), lab.info.password);

    const list = JSON.parse((await connect(home, ['--json', 'list'])).stdout) as {
      connections: Array<{ name: string; hasPassword: boolean }>;
    };
    expect(list.connections.map((c) => [c.name, c.hasPassword])).toEqual([
      ['old-a', true],
      ['old-b', true],
    ]);
    expect((await connect(home, ['--json', 'test', 'old-a'])).code).toBe(0);
    expect(await keychain.get(account('old-a'))).toBe(lab.info.password);

    // Removing old-a keeps the shared entry old-b still relies on; removing the last one clears it.
    await connect(home, ['remove', 'old-a']);
    expect(await keychain.get(legacyKeychainAccount(template))).toBe(lab.info.password);
    expect((await connect(home, ['--json', 'test', 'old-b'])).code).toBe(0);
    await connect(home, ['remove', 'old-b']);
    expect(await keychain.get(legacyKeychainAccount(template))).toBeNull();
    expect(await keychain.get(account('old-b'))).toBeNull();
  });
});
