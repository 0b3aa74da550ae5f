import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import type { Plan } from '../../../electron/planner/plan-types';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';
import { NOT_IN_PLAN, plannedPhases, runRestoreJob, type RestoreJobInput } from '../../../electron/restore/restore-job';
import { MemoryDiskImage, patternBytes } from '../repository/memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from '../repository/repository-fixtures';
import { LocalImagesTarget } from './local-images-target';

const MiB = 1024 * 1024;

function plan(options: Record<string, unknown>, workstation: Record<string, unknown> = { kind: 'physical' }): Plan {
  const parsed = parseScenario({
    workstation: { vcenter: 'vc.lab', datastores: ['ds1'], ...workstation },
    connection: { kind: 'vcenter', server: 'vc.lab', vcenter: 'vc.lab' },
    target: { host: { sanAttached: false }, datastore: { name: 'ds1', type: 'VMFS', lun: null, freeBytes: 1e12 } },
    restorePoint: {
      vm: { name: 'win01', guestFamily: 'windows', firmware: 'efi', nvramSaved: true },
      disks: [{ key: 2000, controller: 'pvscsi', bus: 0, unit: 0, capacityBytes: 16 * MiB, allocatedBytes: 3 * MiB, provisioning: 'thin' }],
    },
    options,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return planRestore(parsed.scenario);
}

/**
 * The plan is the contract: for each restore option, the phases the job ran
 * are exactly the phases its plan's steps name, each planned phase was
 * carried out (not quietly skipped by the job), and the VM has the plan's name.
 */
describe('plan == run (restore job over the stand-in target)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let point: RestorePoint;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lifeboat-plan-run-'));
    const repo = await Repository.init(new LocalFolderBackend(`${dir}/repo`), 'pw', { kdf: TEST_KDF });
    const writer = repo.beginPoint(pointMeta({ configInfo: { name: 'win01', changeTrackingEnabled: true } }));
    const img = new MemoryDiskImage(16 * MiB);
    await img.write(MiB, patternBytes(3 * MiB, 5));
    await copyImage(img, writer.addDisk(diskMeta(2000, 16 * MiB)));
    await writer.setNvram('win01.nvram', patternBytes(4096, 9));
    point = await repo.openPoint((await writer.commit()).manifest.id);
  });
  afterEach(() => cleanup());

  async function run(p: Plan, target: LocalImagesTarget, kind: 'full-vm' | 'disks' = 'full-vm', extra: Partial<RestoreJobInput> = {}) {
    const checkpoint = await RestoreCheckpointFile.create(`${dir}/home`, { jobId: 'job-1', request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} });
    return runRestoreJob(
      {
        jobId: 'job-1',
        kind,
        manifest: point.manifest,
        openPointDisk: async (key) => point.disk(key),
        nvram: async () => (await point.readNvram())?.data ?? null,
        plan: p,
        placement: kind === 'full-vm' ? { name: p.vmName, datastore: 'ds1', encryption: p.encryption } : undefined,
        identity: 'Lifeboat job-1',
        ...extra,
      },
      { target, checkpoint },
    );
  }

  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>?]> = [
    ['defaults', {}],
    ['a new name and power on', { name: 'win01-dr', powerOn: true }],
    ['verification off', { verify: false }],
    ['change tracking off on the target', { cbtEnabledOnTarget: false }],
    ['HotAdd from a proxy VM (signature check, cleanup)', { transport: 'hotadd' }, { kind: 'vm', scsiControllerBuses: [0] }],
  ];
  for (const [name, options, workstation] of cases) {
    it(`runs exactly the planned phases: ${name}`, async () => {
      const p = plan(options, workstation);
      expect(p.ok).toBe(true);
      const target = new LocalImagesTarget(dir);
      const outcome = await run(p, target);
      expect(outcome.errors).toEqual([]);
      const ran = outcome.phases.filter((x) => x.detail !== NOT_IN_PLAN).map((x) => x.phase);
      expect(ran).toEqual([...plannedPhases(p)]);
      for (const x of outcome.phases.filter((r) => ran.includes(r.phase))) expect([x.phase, x.status]).toEqual([x.phase, 'done']);
      expect(outcome.vm?.name).toBe(p.vmName);
      expect(target.calls.some((c) => c.startsWith('powerOn:'))).toBe(p.powerOn);
      expect(target.calls.includes('uploadNvram')).toBe(p.steps.some((s) => s.phase === 'nvram'));
      expect(outcome.disks.every((d) => (d.verify !== null) === p.verify)).toBe(true);
    });
  }

  it('a disks restore writes the disk the plan mapped (--disk-map), not the one with the same key', async () => {
    const target = new LocalImagesTarget(dir);
    const vm = await target.createVm(point.manifest, { name: 'app01', datastore: 'ds1', encryption: 'keep' });
    const [extra] = await target.addDisks(vm, [{ pointKey: 2000, capacity: 16 * MiB, provisioning: 'thin' }]).then((m) => [...m.values()]);
    const p = plan({
      restoreKind: 'disks',
      diskMap: { 2000: extra },
      intoVm: { name: 'app01', disks: [{ key: 2000, capacityBytes: 16 * MiB }, { key: extra, bus: 0, unit: 1, capacityBytes: 16 * MiB }] },
    });
    expect(p.disks[0]!.targetDisk).toBe(extra);
    const outcome = await run(p, target, 'disks', { existingVm: vm });
    expect(outcome.errors).toEqual([]);
    const opened = target.calls.filter((c) => c.startsWith('open:')).map((c) => c.split(':')[1]);
    expect(new Set(opened)).toEqual(new Set([String(extra)]));
  });

  it('a disks restore adding new disks to an existing VM: create-vm is the add-disks step, no NVRAM, no power on', async () => {
    const target = new LocalImagesTarget(dir);
    const vm = await target.createVm(point.manifest, { name: 'app01', datastore: 'ds1', encryption: 'keep' });
    const p = plan({ restoreKind: 'disks', addAsNew: true, intoVm: { name: 'app01', disks: [] } });
    const outcome = await run(p, target, 'disks', { existingVm: vm, addAsNewDisks: { datastore: 'ds1' } });
    expect(outcome.errors).toEqual([]);
    expect(outcome.phases.filter((x) => x.detail !== NOT_IN_PLAN).map((x) => x.phase)).toEqual([...plannedPhases(p)]);
    expect(p.steps.find((s) => s.phase === 'create-vm')?.rule).toBe('DATA-DISK-MAP');
    expect(outcome.phases.find((x) => x.phase === 'nvram')?.detail).toBe(NOT_IN_PLAN);
  });
});
