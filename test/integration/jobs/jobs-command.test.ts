import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import type { RunningLab } from '../../../electron/lab/vcsim-process';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { listVms } from '../../../electron/vsphere/inventory';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { jsonEvents, resultEvent, runCliProcess, spawnCli } from '../../support/cli-process';
import { startCliLab, type CliLab } from '../restore/cli-lab-fixture';

/**
 * `lifeboat jobs` and the exit codes the README promises, as a user meets
 * them against the lab (vcsim + lab VDDK): bad input is 2 with one JSON
 * document, a block is 3, Ctrl+C is 130, and every job is listed with its
 * state and can be resumed by id. Needs the real keychain (npm test gives one).
 */
describe('lifeboat jobs and exit codes (CLI, lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let cli: string;
  let session: VimSession;
  let pointId: string;
  let env: NodeJS.ProcessEnv;

  const vddkConfig = async (name: string, extra: Record<string, string | number> = {}) => {
    const file = join(dir, `${name}.conf`);
    await writeFile(file, labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter', ...extra } }));
    return file;
  };
  const secretsArgs = () => ['--password-file', join(dir, 'repo-password'), '--vddk-dir', labVddkDir()];
  const request = (over: Record<string, string> = {}) => {
    const opts = { '--repo': join(dir, 'repo'), '--point': pointId, '--connection': 'lab', '--datastore': lab.info.datastores[0]!.name, '--transport': 'nbdssl', ...over };
    return Object.entries(opts).flat();
  };
  const jobs = async () => JSON.parse((await runCliProcess(cli, ['--json', 'jobs', 'list'], env)).stdout).jobs as Array<{ id: string; state: string; resumable: boolean; vm: string | null; reportFiles: unknown }>;
  /** Starts a slow restore and resolves once it writes disks, with its job id. */
  async function slowRestore(name: string) {
    const child = spawnCli(cli, ['restore', ...secretsArgs(), ...request({ '--name': name }), '--yes', '--vddk-config', await vddkConfig('slow', { 'labvddk.fault.delayMs': 400 })], env);
    let stderr = '';
    const jobId = await new Promise<string>((resolve, reject) => {
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
        const job = stderr.match(/Job (restore-\S+)/)?.[1];
        if (job && /Write the allocated extents of every disk…/.test(stderr)) resolve(job);
      });
      child.on('exit', () => reject(new Error(`restore ended early:\n${stderr}`)));
    });
    const closed = new Promise<number>((r) => child.once('close', (code) => r(code ?? -1)));
    return { child, jobId, closed, stderr: () => stderr };
  }

  let f: CliLab;
  beforeAll(async () => {
    f = await startCliLab('jobs-cli');
    ({ dir, lab, cli, session, pointId, env } = f);
  }, 240_000);

  afterAll(async () => {
    await f?.close();
  });

  it('lists no jobs before the first restore', async () => {
    expect(await jobs()).toEqual([]);
  });

  const badInput: Array<[string, Record<string, string>, string]> = [
    ['a restore point that does not exist', { '--point': 'ffffffffffff' }, 'point-not-found'],
    ['a connection that does not exist', { '--connection': 'nope' }, 'connection-not-found'],
    ['a datastore that does not exist', { '--datastore': 'NoSuchDS' }, 'datastore-not-found'],
    ['a host that does not exist', { '--host': 'esx-nope.example' }, 'host-not-found'],
  ];
  for (const [what, over, code] of badInput) {
    it(`plan and restore with ${what}: exit 2, one JSON document with code ${code}`, async () => {
      for (const cmd of [['plan'], ['restore', '--yes', '--vddk-dir', labVddkDir()]]) {
        const run = await runCliProcess(cli, ['--json', ...cmd, '--password-file', join(dir, 'repo-password'), ...request(over)], env);
        expect(run.code, run.stdout + run.stderr).toBe(2);
        const doc = JSON.parse(run.stdout);
        expect(doc.error).toMatchObject({ code, exitCode: 2 });
        expect(doc.error.hint).toBeTruthy();
        expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
      }
    });
  }

  it('a rule that blocks the restore: exit 3, its JSON lines end with the error, nothing started', async () => {
    const run = await runCliProcess(cli, ['--json', 'restore', ...secretsArgs(), ...request({ '--transport': 'san', '--name': 'never' }), '--yes'], env);
    expect(run.code).toBe(3);
    expect(jsonEvents(run.stdout).at(-1)).toMatchObject({ ok: false, error: { code: 'plan-blocked', rule: expect.stringMatching(/^XPORT-SAN-/), exitCode: 3 } });
    expect(await jobs()).toEqual([]);
  });

  it('a failed job is listed as failed and resumable; jobs resume finishes it; a finished job is not resumed again', async () => {
    const failed = await runCliProcess(
      cli,
      ['--json', 'restore', ...secretsArgs(), ...request({ '--name': 'jobs-fault' }), '--yes', '--vddk-config', await vddkConfig('fault', { 'labvddk.fault.failWriteN': 2, 'labvddk.fault.errorCode': '0x5a0000000008' })],
      env,
    );
    expect(failed.code).toBe(1);
    const jobId = resultEvent(failed.stdout).jobId as string;
    expect((await jobs()).find((j) => j.id === jobId)).toMatchObject({ state: 'failed', resumable: true, vm: expect.any(String), reportFiles: expect.anything() });
    const shown = await runCliProcess(cli, ['jobs', 'show', jobId], env);
    expect(shown.stdout).toMatch(new RegExp(`Resume with: lifeboat jobs resume ${jobId}`));

    const resumed = await runCliProcess(cli, ['--json', 'jobs', 'resume', jobId, ...secretsArgs(), '--vddk-config', await vddkConfig('plain')], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resultEvent(resumed.stdout)).toMatchObject({ jobId, outcome: 'succeeded' });
    expect((await jobs()).find((j) => j.id === jobId)).toMatchObject({ state: 'succeeded', resumable: false });
    expect((await listVms(session)).filter((v) => v.name === 'jobs-fault')).toHaveLength(1);

    const again = await runCliProcess(cli, ['--json', 'jobs', 'resume', jobId, ...secretsArgs()], env);
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stdout).error.code).toBe('job-not-resumable');
  });

  it('a running job is listed as running; Ctrl+C ends it with exit 130 and it is listed as cancelled', async () => {
    const run = await slowRestore('jobs-cancelled');
    expect((await jobs()).find((j) => j.id === run.jobId)?.state).toBe('running');
    run.child.kill('SIGINT');
    expect(await run.closed).toBe(130);
    expect((await jobs()).find((j) => j.id === run.jobId)).toMatchObject({ state: 'cancelled', resumable: true });
  });

  it('a job killed with SIGKILL is listed as interrupted, never as running', async () => {
    const run = await slowRestore('jobs-killed');
    run.child.kill('SIGKILL');
    await run.closed;
    expect((await jobs()).find((j) => j.id === run.jobId)).toMatchObject({ state: 'interrupted', resumable: true });
  });
});
