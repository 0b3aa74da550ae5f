import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { listVms } from '../../../electron/vsphere/inventory';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { bundleCli, jsonEvents, resultEvent, runCliProcess } from '../../support/cli-process';
import { encryptedVmPoint, labSession } from '../restore/lab-restore-fixture';

/**
 * A workstation without an OS keychain (a jump host, a container): the real
 * keychain library, with its D-Bus session pointing at nothing, answers reads
 * with "nothing saved" and refuses writes, exactly as it does there. The
 * connection is added without saving its password, and plan / restore take
 * it for the session (CONN-NO-KEYCHAIN in the plan).
 */
describe('credentials without an OS keychain (CLI, lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let cli: string;
  let session: VimSession;
  let pointId: string;
  let env: NodeJS.ProcessEnv;
  let pwFile: string;

  const add = (...extra: string[]) =>
    runCliProcess(cli, ['--json', 'connect', 'add', lab.info.url, '--user', lab.info.username, '--name', 'lab', '--trust-thumbprint', lab.info.thumbprintSha256, ...extra], env, lab.info.password);
  const planArgs = () => ['--json', 'plan', '--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--point', pointId, '--connection', 'lab', '--datastore', lab.info.datastores[0]!.name];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-no-keychain-'));
    lab = await startVcsim({ mode: 'vcenter' });
    cli = await bundleCli('no-keychain');
    // No Secret Service: the D-Bus session bus address leads nowhere.
    env = { ...process.env, LIFEBOAT_HOME: join(dir, 'home'), LIFEBOAT_REPO: '', LIFEBOAT_REPO_PASSWORD_FILE: '', DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus')}` };
    session = await labSession(lab.info);
    pointId = (await encryptedVmPoint(session, join(dir, 'repo'))).point.id;
    await writeFile(join(dir, 'repo-password'), 'pw\n', { mode: 0o600 });
    pwFile = join(dir, 'vsphere-password');
    await writeFile(pwFile, `${lab.info.password}\n`, { mode: 0o600 });
  }, 240_000);

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('connect add says the keychain failed (never silent) and saves nothing', async () => {
    const run = await add('--password-stdin');
    expect(run.code).toBe(1);
    const { error } = JSON.parse(run.stdout);
    expect(error.code).toBe('keychain-unavailable');
    expect(error.message).toMatch(/OS keychain is not available/);
    expect(error.hint).toMatch(/--no-save/);
    const list = await runCliProcess(cli, ['--json', 'connect', 'list'], env);
    expect(JSON.parse(list.stdout).connections).toEqual([]);
  });

  it('connect add --no-save logs in once and keeps the password out; connect list says it is not known', async () => {
    const run = await add('--password-file', pwFile, '--no-save');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).connection).toMatchObject({ name: 'lab', hasPassword: false });
    const list = await runCliProcess(cli, ['--json', 'connect', 'list'], env);
    expect(JSON.parse(list.stdout).connections).toEqual([expect.objectContaining({ name: 'lab', hasPassword: null })]);
    const text = await runCliProcess(cli, ['connect', 'list'], env);
    expect(text.stdout).toMatch(/password: unknown \(the OS keychain is not available\)/);
    expect(run.stdout + run.stderr + (await readFile(join(dir, 'home', 'connections.json'), 'utf8'))).not.toContain(lab.info.password);
  });

  it('plan without a session password: exit 2, one JSON document naming the session options', async () => {
    const run = await runCliProcess(cli, planArgs(), env);
    expect(run.code).toBe(2);
    const { error } = JSON.parse(run.stdout);
    expect(error.code).toBe('missing-credential');
    expect(error.message).toMatch(/OS keychain is not available/);
    expect(error.hint).toMatch(/--connection-password-file/);
  });

  it('plan with --connection-password-stdin plans live and says CONN-NO-KEYCHAIN', async () => {
    const run = await runCliProcess(cli, [...planArgs(), '--connection-password-stdin'], env, lab.info.password);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'CONN-NO-KEYCHAIN', severity: 'info', remedy: expect.stringMatching(/--connection-password-file/) })]));
  });

  it('refuses two readers of stdin (repository and vSphere password)', async () => {
    const args = planArgs().filter((a, i, all) => a !== '--password-file' && all[i - 1] !== '--password-file');
    const run = await runCliProcess(cli, [...args, '--password-stdin', '--connection-password-stdin'], env, 'x');
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error.message).toMatch(/cannot both read standard input/);
  });

  it('backup --connection-password-file backs up with the session password; without it, exit 2 naming the options', async () => {
    const config = join(dir, 'backup.conf');
    await writeFile(config, labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter' } }));
    const args = ['--json', 'backup', '--connection', 'lab', '--vm', LAB_VMS.thinThick, '--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--vddk-dir', labVddkDir(), '--vddk-config', config];
    const without = await runCliProcess(cli, args, env);
    expect(without.code).toBe(2);
    expect(JSON.parse(without.stdout).error).toMatchObject({ code: 'missing-credential', hint: expect.stringMatching(/--connection-password-file/) });
    const run = await runCliProcess(cli, [...args, '--connection-password-file', pwFile], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'full', vm: { name: LAB_VMS.thinThick } });
    expect(run.stdout + run.stderr).not.toContain(lab.info.password);
  }, 120_000);

  it('restore --connection-password-file restores with the session password (no keychain anywhere)', async () => {
    const config = join(dir, 'lab.conf');
    await writeFile(config, labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter' } }));
    const run = await runCliProcess(
      cli,
      ['--json', 'restore', '--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--vddk-dir', labVddkDir(), '--vddk-config', config,
        '--point', pointId, '--connection', 'lab', '--datastore', lab.info.datastores[0]!.name, '--name', 'no-keychain', '--transport', 'nbdssl', '--yes',
        '--connection-password-file', pwFile],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const plan = jsonEvents(run.stdout).find((e) => e.event === 'plan')!.plan as { findings: Array<{ rule: string }> };
    expect(plan.findings.map((f) => f.rule)).toContain('CONN-NO-KEYCHAIN');
    expect(resultEvent(run.stdout).outcome).toBe('succeeded');
    expect((await listVms(session)).some((v) => v.name === 'no-keychain')).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(lab.info.password);
  });

  it('connect remove works without a keychain (nothing was saved there)', async () => {
    const run = await runCliProcess(cli, ['--json', 'connect', 'remove', 'lab'], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, removed: 'lab', passwordRemoved: false });
  });
});
