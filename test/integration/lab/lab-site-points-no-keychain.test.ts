import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../electron/cli/command-action';
import { createLabCommand } from '../../../electron/cli/commands/lab-command';
import type { SitePointsResult } from '../../../electron/cli/commands/lab-site-points-command';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { KeychainUnavailableError, type SecretStore } from '../../../electron/keychain/secret-store';
import { buildVcsim } from '../../../electron/lab/vcsim-build';
import { ensureNativeBuilt } from '../vddk/lab-vddk-fixture';

/** A keychain that is not there, as on a trainer's headless box or in `npm run bench` outside a desktop session. */
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

async function lifeboat(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = {
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive: false },
    exitCode: 0,
  };
  const program = new Command('lifeboat').option('--json', 'JSON output').exitOverride();
  createLabCommand({ home: () => home, secrets: () => noKeychain })(program, ctx);
  await program.parseAsync(args, { from: 'user' });
  return { code: ctx.exitCode, stdout, stderr };
}

describe('the site lab without a keychain', () => {
  let work: string;
  let home: string;
  beforeAll(async () => {
    ensureNativeBuilt();
    await buildVcsim();
    work = await mkdtemp(join(tmpdir(), 'lifeboat-site-nokeychain-'));
    home = join(work, 'home');
  }, 180_000);
  afterAll(async () => {
    if (home) await lifeboat(home, ['lab', 'stop']);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('saves connection "lab" without its password, and site-points takes the password per session', async () => {
    const started = await lifeboat(home, ['--json', 'lab', 'start', '--site', '--vms', '0']);
    expect(started.code, started.stderr).toBe(0);
    const out = JSON.parse(started.stdout);
    expect(out.passwordSaved).toBe(false);
    expect(out.password).toMatch(/^Lb-/);
    const saved = await new ConnectionStore(home).get('lab');
    expect(saved?.url).toBe(out.url);
    expect(JSON.stringify(saved)).not.toContain(out.password);

    const repoPassword = join(work, 'repo-password');
    await writeFile(repoPassword, 'site-pw\n', { mode: 0o600 });
    const labPassword = join(work, 'lab-password');
    await writeFile(labPassword, `${out.password}\n`, { mode: 0o600 });
    const args = ['--json', 'lab', 'site-points', '--repo', join(work, 'repo'), '--password-file', repoPassword, '--vms', 'vpn01'];
    const withoutPassword = await lifeboat(home, args);
    expect(withoutPassword.code).not.toBe(0);
    expect(withoutPassword.stdout).toMatch(/connection-password-file|password/i);

    const run = await lifeboat(home, [...args, '--connection-password-file', labPassword]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as SitePointsResult;
    expect(result.points.map((p) => [p.vm, p.ok])).toEqual([['vpn01', true]]);
  }, 180_000);
});
