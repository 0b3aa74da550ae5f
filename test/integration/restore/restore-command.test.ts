import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import type { RunningLab } from '../../../electron/lab/vcsim-process';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { parseDatastorePath } from '../../../electron/vsphere/datastore-files';
import { listVms } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { associatedPolicies, listStoragePolicies } from '../../../electron/vsphere/storage-policies';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { jsonEvents, resultEvent, runCliProcess, spawnCli } from '../../support/cli-process';
import { startCliLab, type CliLab } from './cli-lab-fixture';
import { qemuImg } from '../disks/qemu-img';
import { writeRaw } from './lab-restore-fixture';
import type { MemoryDiskImage } from '../../unit/repository/memory-disk-image';
import type { Plan } from '../../../electron/planner/plan-types';
import { NOT_IN_PLAN, plannedPhases } from '../../../electron/restore/restore-job';

/**
 * `lifeboat restore` as a user runs it, against the lab (vcsim + lab VDDK):
 * a full run, a run killed with SIGKILL and resumed, and a run with an
 * injected write fault. Needs the real keychain (npm test provides one).
 */
describe('lifeboat restore (CLI, lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let cli: string;
  let session: VimSession;
  let pointId: string;
  let disks: Map<number, MemoryDiskImage>;
  let env: NodeJS.ProcessEnv;

  const vddkConfig = async (name: string, extra: Record<string, string | number> = {}) => {
    const file = join(dir, `${name}.conf`);
    await writeFile(file, labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter', ...extra } }));
    return file;
  };
  const baseArgs = () => ['--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--vddk-dir', labVddkDir()];
  const restoreArgs = (name: string, config: string) => [
    'restore', ...baseArgs(), '--point', pointId, '--connection', 'lab', '--datastore', lab.info.datastores[0]!.name,
    '--name', name, '--transport', 'nbdssl', '--yes', '--vddk-config', config,
  ];

  async function expectDisksIdentical(vmName: string) {
    const vm = (await listVms(session)).find((v) => v.name === vmName)!;
    const { config } = await fetchVmConfigInfo(session, vm.ref);
    for (const disk of config.disks) {
      const source = [...disks.values()].find((img) => img.capacity === disk.capacityBytes)!;
      const local = join(lab.info.datastores[0]!.folder, parseDatastorePath(disk.fileName).path);
      const compare = await qemuImg('compare', '-F', 'raw', local, await writeRaw(join(dir, `src-${disk.key}.raw`), source));
      expect(compare.code, compare.stdout + compare.stderr).toBe(0);
    }
    return config;
  }

  let f: CliLab;
  beforeAll(async () => {
    f = await startCliLab('restore-cli');
    ({ dir, lab, cli, session, pointId, env, disks } = f);
  }, 240_000);

  afterAll(async () => {
    await f?.close();
  });

  it('plans live against the connection with the same planner as --scenario (exit 0, or 3 when blocked)', async () => {
    const common = ['--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--point', pointId, '--connection', 'lab', '--datastore', lab.info.datastores[0]!.name];
    const auto = await runCliProcess(cli, ['--json', 'plan', ...common], env);
    expect(auto.code, auto.stderr).toBe(0);
    const plan = JSON.parse(auto.stdout);
    expect(plan.ok).toBe(true);
    // This workstation is not a proxy VM of the lab: HotAdd is excluded, thin disks go over NBDSSL.
    expect(plan.disks[0].transport).toBe('nbdssl');
    expect(plan.rulesApplied).toEqual(expect.arrayContaining(['CRYPT-KEYS-SAVED', 'VTPM-FIRMWARE']));
    // The saved storage policy exists on the target (read through PBM), so it is not reported missing.
    expect(plan.findings.map((f: { rule: string }) => f.rule)).not.toContain('CRYPT-POLICY-MISSING');
    // --storage-policy picks a policy by name; one the target does not have is refused up front.
    const picked = await runCliProcess(cli, ['--json', 'plan', ...common, '--storage-policy', 'VM Encryption Policy'], env);
    expect(picked.code, picked.stderr).toBe(0);
    const wrong = await runCliProcess(cli, ['plan', ...common, '--storage-policy', 'No Such Policy'], env);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/No Such Policy/);
    expect(wrong.stderr).toMatch(/VM Encryption Policy/);
    const san = await runCliProcess(cli, ['--json', 'plan', ...common, '--transport', 'san'], env);
    expect(san.code).toBe(3);
    expect(JSON.parse(san.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('XPORT-SAN-NO-ENCRYPTED');
  });

  it('shows the plan and refuses to run without --yes when it cannot ask', async () => {
    const args = restoreArgs('never', await vddkConfig('plain')).filter((a) => a !== '--yes');
    const run = await runCliProcess(cli, args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nbdssl/);
    expect(run.stderr).toMatch(/pass --yes/);
    expect((await listVms(session)).some((v) => v.name === 'never')).toBe(false);
  });

  it('restores, verifies and writes a JSON and HTML report', async () => {
    // The storage policy travels from the command line through the restore request to CreateVM.
    const run = await runCliProcess(cli, ['--json', ...restoreArgs('cli-full', await vddkConfig('plain')), '--storage-policy', 'VM Encryption Policy'], env);
    expect(run.code, run.stderr).toBe(0);
    const events = jsonEvents(run.stdout);
    expect(events[0]!.event).toBe('plan');
    expect(events.some((e) => e.event === 'progress' && e.pass === 'verify')).toBe(true);
    const report = resultEvent(run.stdout);
    expect(report.outcome).toBe('succeeded');
    expect(report.disks.every((d: { verified: boolean }) => d.verified)).toBe(true);
    expect(report.steps.map((s: { rule: string }) => s.rule)).toEqual(expect.arrayContaining(['STEP-CONFIG-FROM-CONFIGINFO', 'STEP-PREPARE-ACCESS', 'STEP-CBT-OFF', 'VTPM-RESTORE']));
    const html = await readFile(report.reportFiles.html, 'utf8');
    expect(html).toContain('Restore succeeded');
    expect(run.stdout + run.stderr).not.toContain(lab.info.password);
    const restored = await expectDisksIdentical('cli-full');
    const vm = (await listVms(session)).find((v) => v.name === 'cli-full')!.ref;
    const encryption = (await listStoragePolicies(session)).find((p) => p.name === 'VM Encryption Policy')!.id;
    expect(await associatedPolicies(session, vm)).toEqual([encryption]);
    expect(await associatedPolicies(session, vm, restored.disks[0]!.key)).toEqual([encryption]);
  });

  it('blocks before any change what vCenter would refuse later: a taken name (DATA-VM-NAME-TAKEN), a VM that does not exist (DATA-DISK-MAP)', async () => {
    const plan = (extra: string[]) =>
      runCliProcess(cli, ['--json', 'plan', '--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--point', pointId, '--connection', 'lab', '--datastore', lab.info.datastores[0]!.name, ...extra], env);
    // cli-full exists since the restore above: the same name again is blocked, and so is the restore.
    const taken = await plan(['--name', 'cli-full']);
    expect(taken.code, taken.stderr).toBe(3);
    expect(JSON.parse(taken.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('DATA-VM-NAME-TAKEN');
    const again = await runCliProcess(cli, restoreArgs('cli-full', await vddkConfig('plain')), env);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/DATA-VM-NAME-TAKEN/);
    expect((await listVms(session)).filter((v) => v.name === 'cli-full')).toHaveLength(1);
    const missing = await plan(['--disks-only', '--into-vm', 'nosuchvm']);
    expect(missing.code, missing.stderr).toBe(3);
    expect(JSON.parse(missing.stdout).findings.find((f: { rule: string }) => f.rule === 'DATA-DISK-MAP').message).toMatch(/no VM named "nosuchvm"/);
  });

  it('restores a point made by `lifeboat import` from a raw image as a VM built from the defaults its plan lists (DATA-NO-CONFIGINFO)', async () => {
    const image = Buffer.alloc(16 * 1024 * 1024);
    image.fill(7, 0, 512);
    image.fill(9, 4 * 1024 * 1024, 6 * 1024 * 1024);
    await writeFile(join(dir, 'imported.raw'), image);
    await writeFile(join(dir, 'imp-password'), 'import-test-password\n', { mode: 0o600 });
    const repoArgs = ['--repo', join(dir, 'imp-repo'), '--password-file', join(dir, 'imp-password')];
    expect((await runCliProcess(cli, ['repo', 'init', ...repoArgs], env)).code).toBe(0);
    const imported = await runCliProcess(cli, ['--json', 'import', ...repoArgs, join(dir, 'imported.raw')], env);
    expect(imported.code, imported.stderr).toBe(0);
    const point = JSON.parse(imported.stdout).pointId as string;
    const run = await runCliProcess(
      cli,
      ['--json', 'restore', ...repoArgs, '--vddk-dir', labVddkDir(), '--vddk-config', await vddkConfig('plain'), '--point', point, '--connection', 'lab', '--datastore', lab.info.datastores[0]!.name, '--name', 'from-image', '--yes'],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const plan = jsonEvents(run.stdout).find((e) => e.event === 'plan')!.plan as Plan;
    expect(plan.findings.find((f) => f.rule === 'DATA-NO-CONFIGINFO')?.message).toMatch(/firmware bios, guest OS otherGuest64, pvscsi controller, no network card/);
    expect(resultEvent(run.stdout).outcome).toBe('succeeded');
    const vm = (await listVms(session)).find((v) => v.name === 'from-image')!;
    const { config } = await fetchVmConfigInfo(session, vm.ref);
    expect(config.guestId).toBe('otherGuest64');
    expect(config.disks).toHaveLength(1);
    const local = join(lab.info.datastores[0]!.folder, parseDatastorePath(config.disks[0]!.fileName).path);
    const compare = await qemuImg('compare', '-F', 'raw', local, join(dir, 'imported.raw'));
    expect(compare.code, compare.stdout + compare.stderr).toBe(0);
  });

  it('builds an imported point\'s VM with the firmware, guest OS and controller chosen instead of the defaults: the plan lists them, the run builds exactly that (DATA-NO-CONFIGINFO)', async () => {
    const image = Buffer.alloc(8 * 1024 * 1024);
    image.fill(5, 0, 512);
    image.fill(3, 2 * 1024 * 1024, 3 * 1024 * 1024);
    await writeFile(join(dir, 'chosen.raw'), image);
    await writeFile(join(dir, 'chosen-password'), 'import-test-password\n', { mode: 0o600 });
    const repoArgs = ['--repo', join(dir, 'chosen-repo'), '--password-file', join(dir, 'chosen-password')];
    expect((await runCliProcess(cli, ['repo', 'init', ...repoArgs], env)).code).toBe(0);
    const imported = await runCliProcess(cli, ['--json', 'import', ...repoArgs, join(dir, 'chosen.raw')], env);
    expect(imported.code, imported.stderr).toBe(0);
    const point = JSON.parse(imported.stdout).pointId as string;
    const request = [...repoArgs, '--point', point, '--connection', 'lab', '--firmware', 'efi', '--guest-os', 'ubuntu64Guest', '--controller', 'lsilogic'];
    const words = /firmware efi \(chosen\), guest OS ubuntu64Guest \(chosen\), lsilogic controller \(chosen\), no network card/;

    // The guest OS is checked against the target host like DATA-HW-VERSION: the DR host (ESXi 7.0.1) does not know Windows 11.
    const old = await runCliProcess(cli, ['--json', 'plan', ...request.map((a) => (a === 'ubuntu64Guest' ? 'windows11_64Guest' : a)), '--datastore', 'lab-dr-ds'], env);
    expect(old.code, old.stderr).toBe(3);
    expect(JSON.parse(old.stdout).findings.find((f: { rule: string }) => f.rule === 'DATA-HW-VERSION')).toMatchObject({ severity: 'block', message: expect.stringMatching(/windows11_64Guest/) });

    const run = await runCliProcess(cli, ['--json', 'restore', ...request, '--datastore', lab.info.datastores[0]!.name, '--vddk-dir', labVddkDir(), '--vddk-config', await vddkConfig('plain'), '--name', 'from-image-chosen', '--yes'], env);
    expect(run.code, run.stderr).toBe(0);
    const plan = jsonEvents(run.stdout).find((e) => e.event === 'plan')!.plan as Plan;
    expect(plan.findings.find((f) => f.rule === 'DATA-NO-CONFIGINFO')?.message).toMatch(words);
    expect(plan.steps.find((x) => x.rule === 'DATA-NO-CONFIGINFO')?.description).toMatch(words);
    expect(resultEvent(run.stdout).outcome).toBe('succeeded');
    // Plan == run: the VM has exactly the values the plan listed.
    const vm = (await listVms(session)).find((v) => v.name === 'from-image-chosen')!;
    const { config } = await fetchVmConfigInfo(session, vm.ref);
    expect({ firmware: config.firmware, guestId: config.guestId }).toEqual({ firmware: plan.importedVm!.firmware, guestId: plan.importedVm!.guestId });
    expect(config.controllers.find((c) => c.key === config.disks[0]!.controllerKey)?.deviceType).toBe('VirtualLsiLogicController');
    const local = join(lab.info.datastores[0]!.folder, parseDatastorePath(config.disks[0]!.fileName).path);
    const compare = await qemuImg('compare', '-F', 'raw', local, join(dir, 'chosen.raw'));
    expect(compare.code, compare.stdout + compare.stderr).toBe(0);

    // A point with a saved configuration takes no such choice: said up front, nothing changed.
    const saved = await runCliProcess(cli, ['plan', '--repo', join(dir, 'repo'), '--password-file', join(dir, 'repo-password'), '--point', pointId, '--connection', 'lab', '--datastore', lab.info.datastores[0]!.name, '--firmware', 'bios'], env);
    expect(saved.code).not.toBe(0);
    expect(saved.stderr).toMatch(/only for a point imported from an image/);
  });

  it('runs exactly the plan it showed: a chosen name, power on and no read-back (phases, name, skipped steps and why)', async () => {
    const args = [...restoreArgs('cli-planned', await vddkConfig('plain')), '--power-on', '--no-verify', '--reason', 'DR rehearsal 42'];
    const run = await runCliProcess(cli, ['--json', ...args], env);
    expect(run.code, run.stderr).toBe(0);
    const plan = jsonEvents(run.stdout).find((e) => e.event === 'plan')!.plan as Plan;
    const report = resultEvent(run.stdout);
    expect(plan.vmName).toBe('cli-planned');
    expect(plan.steps.map((s) => s.phase)).toContain('power-on');
    const ran = report.steps.filter((s: { detail: string | null }) => s.detail !== NOT_IN_PLAN).map((s: { phase: string }) => s.phase);
    expect(ran).toEqual([...plannedPhases(plan)]);
    expect(report.steps.find((s: { phase: string }) => s.phase === 'verify-disks')).toMatchObject({ status: 'skipped', detail: NOT_IN_PLAN });
    expect(report.restoredVm.name).toBe('cli-planned');
    expect(report.reason).toBe('DR rehearsal 42');
    const vm = (await listVms(session)).find((v) => v.name === 'cli-planned')!;
    expect(vm.powerState).toBe('poweredOn');
    expect(report.disks.every((d: { verified: boolean | null }) => d.verified === null)).toBe(true);
  });

  it('resumes a restore killed with SIGKILL mid-write to a byte-identical result', async () => {
    const slow = await vddkConfig('slow', { 'labvddk.fault.delayMs': 400 });
    const child = spawnCli(cli, restoreArgs('cli-killed', slow), env);
    let stderr = '';
    const jobId = await new Promise<string>((resolve, reject) => {
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
        const job = stderr.match(/Job (restore-\S+)/)?.[1];
        if (job && /Write the allocated extents of every disk…/.test(stderr)) setTimeout(() => resolve(job), 900);
      });
      child.on('exit', () => reject(new Error(`restore ended before it could be killed:\n${stderr}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const checkpoint = JSON.parse(await readFile(join(dir, 'home', 'jobs', `${jobId}.json`), 'utf8'));
    expect(checkpoint.vm?.name).toBe('cli-killed');

    const resumed = await runCliProcess(cli, ['--json', 'restore', '--resume', jobId, ...baseArgs(), '--vddk-config', await vddkConfig('plain')], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = resultEvent(resumed.stdout);
    expect(report.outcome).toBe('succeeded');
    expect(report.restoredVm.name).toBe('cli-killed');
    expect((await listVms(session)).filter((v) => v.name === 'cli-killed')).toHaveLength(1);
    await expectDisksIdentical('cli-killed');
  });

  it('an injected write fault fails the job, with change tracking back on and EndAccess called', async () => {
    const run = await runCliProcess(cli, ['--json', ...restoreArgs('cli-fault', await vddkConfig('fault', { 'labvddk.fault.failWriteN': 2, 'labvddk.fault.errorCode': '0x5a0000000008' }))], env);
    expect(run.code).toBe(1);
    const report = resultEvent(run.stdout);
    expect(report.outcome).toBe('failed');
    expect(report.errors.join(' ')).toMatch(/8|disk full|write/i);
    expect(report.steps.find((s: { phase: string }) => s.phase === 'cbt-on').status).toBe('done');
    expect(report.steps.find((s: { phase: string }) => s.phase === 'end-access').status).toBe('done');
    const vm = (await listVms(session)).find((v) => v.name === 'cli-fault')!;
    expect((await fetchVmConfigInfo(session, vm.ref)).config.changeTrackingEnabled).toBe(true);
    const log = await readFile(join(dir, 'labvddk-access.log'), 'utf8');
    expect(log).toMatch(new RegExp(`^end Lifeboat ${report.jobId} moref=${vm.ref.value}$`, 'm'));
  });
});
