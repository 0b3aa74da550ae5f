import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecoveryProgress, RecoveryRunResult } from '../../../electron/api/schemas/recovery-schema';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { listVms } from '../../../electron/vsphere/inventory';
import { jsonEvents, resultEvent, runCliProcess, spawnCli } from '../../support/cli-process';
import { startRecoveryLab, type RecoveryLab } from './recovery-lab-fixture';
import {
  SITE,
  SITE_GROUPS,
  IDENTITY_DELAY_SECONDS,
  countingVddkConfig,
  expectGroupsInOrder,
  expectLargestFirst,
  expectRestoredIdentical,
  hostPeaks,
  sitePlanYaml,
} from './recovery-run-lab-support';

const CAP = 2;

/**
 * `lifeboat recovery run` against the lab (3 hosts, lab VDDK counting streams
 * per host): a 3-group, 10-VM plan with 2 NBD streams per host runs to the end
 * within the caps (from the lab VDDK's own counters), groups in order, largest
 * first, disks byte-identical; killed with SIGKILL in the middle, `--resume`
 * completes it without making any VM twice.
 */
describe('lifeboat recovery run (CLI, lab vCenter with 3 hosts)', () => {
  let f: RecoveryLab;
  beforeAll(async () => {
    f = await startRecoveryLab('recovery-run', SITE, { hosts: 3 });
  }, 600_000);
  afterAll(async () => {
    await f?.close();
  });

  const args = (file: string, config: string, ...more: string[]) => [
    '--json',
    'recovery',
    'run',
    file,
    '--password-file',
    f.repoPasswordFile,
    '--vddk-dir',
    labVddkDir(),
    '--vddk-config',
    config,
    ...more,
  ];
  // The cluster the plan spreads its VMs over (the lab also has a standalone host outside it).
  const hostNames = () =>
    f.lab.info.hosts
      .filter((h) => h.cluster)
      .map((h) => h.name)
      .sort();

  it('refuses to run without --yes when it cannot ask, and changes nothing', async () => {
    const file = await f.writePlan('ask.yaml', sitePlanYaml(f, 'ask', CAP));
    const { config } = await countingVddkConfig(f, 'ask');
    const run = await runCliProcess(f.cli, args(file, config), f.env);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/pass --yes/);
    expect((await listVms(f.session)).some((v) => v.name.startsWith('ask-'))).toBe(false);
  });

  it('runs a 3-group, 10-VM plan within 2 streams per host on every host, groups in order, largest first, disks identical', async () => {
    const file = await f.writePlan('full.yaml', sitePlanYaml(f, 'full', CAP));
    const { config, streamsDir } = await countingVddkConfig(f, 'full');
    const run = await runCliProcess(f.cli, args(file, config, '--yes'), f.env);
    expect(run.code, run.stdout.slice(-3000) + run.stderr).toBe(0);
    const events = jsonEvents(run.stdout);
    expect(events[0]!.event).toBe('plan');
    const result = resultEvent(run.stdout) as RecoveryRunResult;
    expect(result.state).toBe('succeeded');
    expect(result.vms.map((v) => v.state)).toEqual(SITE.map(() => 'succeeded'));
    // The lab VDDK's own count: no host ever had more than its cap open for writing, and every host was used.
    const peaks = await hostPeaks(streamsDir);
    expect([...peaks.keys()].sort()).toEqual(hostNames());
    for (const [host, peak] of peaks) expect(peak, `peak streams on ${host}`).toBeLessThanOrEqual(CAP);
    expect(Math.max(...peaks.values())).toBe(CAP);
    expect(result.hostUtilisation.every((h) => h.peakStreams <= CAP && h.cap === CAP)).toBe(true);
    expectGroupsInOrder(result);
    // waitFor powered-on, then the delay: the data group started only after that.
    const identity = result.groups.find((g) => g.name === 'identity')!;
    for (const v of result.vms.filter((x) => x.group === 'identity')) expect(v.poweredOn, v.vmName).toBe(true);
    for (const v of result.vms.filter((x) => x.group === 'data'))
      expect(Date.parse(v.startedAt!)).toBeGreaterThanOrEqual(Date.parse(identity.upAt!) + IDENTITY_DELAY_SECONDS * 1000);
    expectLargestFirst(result);
    for (const g of result.groups) expect(g.upAt, `group ${g.name} up`).not.toBeNull();
    for (const { name } of SITE) await expectRestoredIdentical(f, name, `full-${name}`);
    // The same file again: every name is taken now, so the plan is blocked (3) and nothing is made twice.
    const again = await runCliProcess(f.cli, args(file, config, '--yes'), f.env);
    expect(again.code, again.stdout.slice(-2000)).toBe(3);
    expect(again.stdout).toMatch(/DATA-VM-NAME-TAKEN/);
    for (const { name } of SITE) expect((await listVms(f.session)).filter((v) => v.name === `full-${name}`)).toHaveLength(1);
    const jobs = await runCliProcess(f.cli, ['--json', 'jobs', 'list'], f.env);
    expect(JSON.parse(jobs.stdout).jobs).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: result.jobId, kind: 'recovery', state: 'succeeded' })]),
    );
  }, 600_000);

  it('killed with SIGKILL in the middle, --resume completes it: finished VMs skipped, none made twice, disks identical, caps held', async () => {
    const file = await f.writePlan('killed.yaml', sitePlanYaml(f, 'killed', CAP));
    const { config, streamsDir } = await countingVddkConfig(f, 'killed');
    const child = spawnCli(f.cli, args(file, config, '--yes'), f.env);
    let stdout = '';
    let stderr = '';
    let atKill: RecoveryProgress | null = null;
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (atKill) return;
      for (const e of jsonEvents(stdout.slice(0, stdout.lastIndexOf('\n') + 1))) {
        const p = e as unknown as RecoveryProgress & { event: string };
        // In the middle: the first group done, VMs of the second running.
        if (
          e.event === 'progress' &&
          p.vms.filter((v) => v.state === 'succeeded').length >= 2 &&
          p.vms.some((v) => v.state === 'running' && v.group === 'data')
        ) {
          atKill = p;
          child.kill('SIGKILL');
          break;
        }
      }
    });
    const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, sig) => done(sig)));
    expect(signal, stderr).toBe('SIGKILL');
    const killed = atKill as RecoveryProgress | null;
    expect(killed).not.toBeNull();
    const doneBefore = killed!.vms.filter((v) => v.state === 'succeeded').map((v) => v.vmName);
    const runningAtKill = killed!.vms.filter((v) => v.state === 'running');

    const listed = JSON.parse((await runCliProcess(f.cli, ['--json', 'jobs', 'list'], f.env)).stdout).jobs;
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: killed!.jobId, kind: 'recovery', state: 'interrupted', resumable: true }),
      ]),
    );

    const resumed = await runCliProcess(f.cli, args(file, config, '--resume', killed!.jobId), f.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = resultEvent(resumed.stdout) as RecoveryRunResult;
    expect(result.jobId).toBe(killed!.jobId);
    expect(result.state).toBe('succeeded');
    for (const name of doneBefore)
      expect(result.vms.find((v) => v.vmName === name)!.finishedEarlier, `${name} finished earlier`).toBe(true);
    // A VM cut off mid-restore continued its own restore job (never a second VM).
    for (const v of runningAtKill) expect(result.vms.find((x) => x.vmName === v.vmName)!.restoreJobId).toBe(v.restoreJobId);
    const names = (await listVms(f.session)).map((v) => v.name).filter((n) => n.startsWith('killed-'));
    expect(names.sort()).toEqual(SITE.map((s) => `killed-${s.name}`).sort());
    for (const { name } of SITE) await expectRestoredIdentical(f, name, `killed-${name}`);
    const peaks = await hostPeaks(streamsDir);
    for (const [host, peak] of peaks) expect(peak, `peak streams on ${host}`).toBeLessThanOrEqual(CAP);
    expect(SITE_GROUPS.map((g) => result.groups.find((x) => x.name === g.name)!.upAt)).not.toContain(null);
  }, 900_000);
  it('Ctrl+C: the running restores are cancelled (their closing steps run), exit 130 with the exact resume command, and the resume completes', async () => {
    const file = await f.writePlan('ctrlc.yaml', sitePlanYaml(f, 'ctrlc', CAP));
    const { config } = await countingVddkConfig(f, 'ctrlc');
    const child = spawnCli(f.cli, args(file, config, '--yes').slice(1), f.env);
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Text mode: one line per VM; interrupt once the second group is restoring.
      if (!sent && /\[data\] \S+ → \S+: restoring on/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(code, stdout + stderr).toBe(130);
    const jobId = /Recovery job (\S+) \(resume with/.exec(stderr)![1]!;
    expect(stdout).toContain('Recovery cancelled');
    expect(stdout).toContain(`Resume with: lifeboat recovery run ${file} --resume ${jobId}`);
    const jobs = JSON.parse((await runCliProcess(f.cli, ['--json', 'jobs', 'list'], f.env)).stdout).jobs as Array<{
      id: string;
      kind: string;
      state: string;
    }>;
    expect(jobs.find((j) => j.id === jobId)).toMatchObject({ kind: 'recovery', state: 'cancelled' });
    // The restores that were running ended as cancelled jobs (closing steps ran), not killed ones.
    const report = JSON.parse(await readFile(join(f.env.LIFEBOAT_HOME!, 'jobs', jobId, 'report.json'), 'utf8'));
    const cancelled = report.vms.filter((v: { result: string }) => v.result === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    for (const v of cancelled) expect(jobs.find((j) => j.id === v.restoreJobId)?.state, v.vmName).toBe('cancelled');
    // `jobs resume` resumes restores; for a recovery it says which command does.
    const wrongDoor = await runCliProcess(f.cli, ['jobs', 'resume', jobId], f.env);
    expect(wrongDoor.code).toBe(2);
    expect(wrongDoor.stderr).toContain(`lifeboat recovery run FILE --resume ${jobId}`);
    const resumed = await runCliProcess(f.cli, args(file, config, '--resume', jobId), f.env);
    expect(resumed.code, resumed.stdout.slice(-3000) + resumed.stderr).toBe(0);
    expect((resultEvent(resumed.stdout) as RecoveryRunResult).state).toBe('succeeded');
    for (const { name } of SITE) await expectRestoredIdentical(f, name, `ctrlc-${name}`);
  }, 900_000);
  it('kill -9 between CreateVM and its record (the reliability kill point), then --resume: every VM exactly once, disks identical', async () => {
    const file = await f.writePlan('killpoint.yaml', sitePlanYaml(f, 'kp', CAP));
    const { config, streamsDir } = await countingVddkConfig(f, 'killpoint');
    const child = spawnCli(f.cli, args(file, config, '--yes').slice(1), {
      ...f.env,
      LIFEBOAT_FAULT_KILL_AT: 'create-vm:before-record',
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, sig) => done(sig)));
    expect(signal, stderr).toBe('SIGKILL');
    const jobId = /Recovery job (\S+) \(resume with/.exec(stderr)![1]!;
    const resumed = await runCliProcess(f.cli, args(file, config, '--resume', jobId), f.env);
    expect(resumed.code, resumed.stdout.slice(-3000) + resumed.stderr).toBe(0);
    expect((resultEvent(resumed.stdout) as RecoveryRunResult).state).toBe('succeeded');
    const names = (await listVms(f.session)).map((v) => v.name).filter((n) => n.startsWith('kp-'));
    expect(names.sort()).toEqual(SITE.map((s) => `kp-${s.name}`).sort());
    for (const { name } of SITE) await expectRestoredIdentical(f, name, `kp-${name}`);
    for (const [host, peak] of await hostPeaks(streamsDir)) expect(peak, host).toBeLessThanOrEqual(CAP);
  }, 900_000);
});
