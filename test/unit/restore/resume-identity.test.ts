import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';
import { runRestoreJob } from '../../../electron/restore/restore-job';
import { MemoryDiskImage, patternBytes } from '../repository/memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from '../repository/repository-fixtures';
import { LocalImagesTarget } from './local-images-target';

const MiB = 1024 * 1024;

/**
 * A resume writes only into the VM its job wrote to (the moref alone is not
 * enough), and a crash during VM creation never ends in a second VM.
 */
describe('resume: the VM is the one this job wrote to (stand-in target)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let point: RestorePoint;
  const plan = () => {
    const parsed = parseScenario({
      target: { host: { sanAttached: false }, datastore: { name: 'ds1', lun: null } },
      restorePoint: { vm: { name: 'app01', guestFamily: 'linux' }, disks: [{ key: 2000, capacityBytes: 8 * MiB, allocatedBytes: 2 * MiB }] },
      options: { name: 'app01-dr', transport: 'nbdssl' },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return planRestore(parsed.scenario);
  };

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lifeboat-resume-id-'));
    const repo = await Repository.init(new LocalFolderBackend(`${dir}/repo`), 'pw', { kdf: TEST_KDF });
    const writer = repo.beginPoint(pointMeta({ configInfo: { name: 'app01', changeTrackingEnabled: true } }));
    const img = new MemoryDiskImage(8 * MiB);
    await img.write(MiB, patternBytes(2 * MiB, 3));
    await copyImage(img, writer.addDisk(diskMeta(2000, 8 * MiB)));
    point = await repo.openPoint((await writer.commit()).manifest.id);
  });
  afterEach(() => cleanup());

  const run = async (target: LocalImagesTarget, resume: boolean) =>
    runRestoreJob(
      {
        jobId: 'job-r',
        kind: 'full-vm',
        manifest: point.manifest,
        openPointDisk: async (key) => point.disk(key),
        nvram: async () => null,
        plan: plan(),
        placement: { name: 'app01-dr', datastore: 'ds1', encryption: 'keep' },
        identity: 'Lifeboat job-r',
      },
      {
        target,
        checkpoint: resume
          ? await RestoreCheckpointFile.load(`${dir}/home`, 'job-r')
          : await RestoreCheckpointFile.create(`${dir}/home`, { jobId: 'job-r', request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} }),
      },
    );

  it('refuses to resume into a VM that now has the moref but is another VM, and touches nothing', async () => {
    const target = new LocalImagesTarget(dir);
    target.failWriteN = 1;
    const first = await run(target, false);
    expect(first.ok).toBe(false);
    const moref = first.vm!.moref;
    target.replaceVm(moref, 'unrelated-vm');
    const callsBefore = target.calls.length;
    const resumed = await run(target, true);
    expect(resumed.ok).toBe(false);
    expect(resumed.errors[0]).toMatch(new RegExp(`cannot resume: ${moref} is now another VM \\("unrelated-vm"`));
    const after = target.calls.slice(callsBefore);
    expect(after.filter((c) => /^(open|cbt|createVm|addDisks|uploadNvram|powerOn|powerOff)/.test(c))).toEqual([]);
  });

  it('refuses to resume a finished job whose VM was deleted (it used to print success)', async () => {
    const target = new LocalImagesTarget(dir);
    const first = await run(target, false);
    expect(first.ok).toBe(true);
    (target as unknown as { vms: Map<string, unknown> }).vms.delete(first.vm!.moref);
    const resumed = await run(target, true);
    expect(resumed.ok).toBe(false);
    expect(resumed.errors[0]).toMatch(/no longer exists/);
  });

  it('a crash between CreateVM and recording it: the resume adopts the VM that carries the job marker, no second VM', async () => {
    const target = new LocalImagesTarget(dir);
    target.failAfterCreate = true;
    const first = await run(target, false);
    expect(first.ok).toBe(false);
    expect(first.vm).toBeNull();
    const resumed = await run(target, true);
    expect(resumed.errors).toEqual([]);
    expect(resumed.phases.find((p) => p.phase === 'create-vm')?.detail).toMatch(/^adopted app01-dr/);
    expect(target.calls.filter((c) => c.startsWith('createVm:'))).toEqual(['createVm:app01-dr']);
  });
});
