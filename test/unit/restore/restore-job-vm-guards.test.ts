import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';
import { runRestoreJob, type RestoreJobInput } from '../../../electron/restore/restore-job';
import { patternBytes, MemoryDiskImage } from '../repository/memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from '../repository/repository-fixtures';
import { LocalImagesTarget } from './local-images-target';

const MiB = 1024 * 1024;
const LUN = 'naa.600a0b80005ab0000000000000000001';

/** A physical workstation that sees the SAN LUN of a shared VMFS datastore, thick disks, `transport`. */
function planFor(transport: 'san' | 'nbdssl', restoreKind: 'full-vm' | 'disks' = 'full-vm') {
  const parsed = parseScenario({
    workstation: { kind: 'physical', visibleLuns: [LUN] },
    connection: { kind: 'vcenter', server: 'vc.lab', vcenter: 'vc.lab' },
    target: { host: { esxiVersion: '8.0.2', managementServerIp: null, sanAttached: true }, datastore: { name: 'lab-san', type: 'VMFS', lun: LUN, freeBytes: 1e12 } },
    restorePoint: {
      vm: { name: 'db01', guestFamily: 'linux', firmware: 'bios', nvramSaved: false },
      disks: [{ key: 2000, controller: 'pvscsi', bus: 0, unit: 0, capacityBytes: 8 * MiB, allocatedBytes: 2 * MiB, provisioning: 'eagerzeroed' }],
    },
    options: { transport, restoreKind },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return planRestore(parsed.scenario);
}

describe('restore job: what the host enforces on the target VM', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let point: RestorePoint;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lifeboat-restore-guards-'));
    const repo = await Repository.init(new LocalFolderBackend(`${dir}/repo`), 'pw', { kdf: TEST_KDF });
    const writer = repo.beginPoint(pointMeta({ configInfo: { name: 'db01', changeTrackingEnabled: true } }));
    const img = new MemoryDiskImage(8 * MiB);
    await img.write(MiB, patternBytes(2 * MiB, 5));
    await copyImage(img, writer.addDisk(diskMeta(2000, 8 * MiB)));
    const { manifest } = await writer.commit();
    point = await repo.openPoint(manifest.id);
  });
  afterEach(() => cleanup());

  function input(transport: 'san' | 'nbdssl', extra: Partial<RestoreJobInput> = {}): RestoreJobInput {
    return {
      jobId: 'job-g',
      kind: 'full-vm',
      manifest: point.manifest,
      openPointDisk: async (key) => point.disk(key),
      nvram: async () => null,
      plan: planFor(transport),
      placement: { name: 'db01-restored', datastore: 'lab-san', encryption: 'keep' },
      identity: 'Lifeboat restore job-g',
      ...extra,
    };
  }
  const checkpoint = () => RestoreCheckpointFile.create(`${dir}/home`, { jobId: 'job-g', request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} });

  it('XPORT-SAN-RESTORE-SNAPSHOT: a SAN restore writes under the restore snapshot, then reverts to it and deletes it', async () => {
    const target = new LocalImagesTarget(dir);
    const outcome = await runRestoreJob(input('san'), { target, checkpoint: await checkpoint() });
    expect(outcome.errors).toEqual([]);
    const calls = target.calls;
    const snap = calls.indexOf('createSnapshot:Lifeboat restore job-g');
    const revert = calls.findIndex((c) => c.startsWith('revertAndRemoveSnapshot:'));
    expect(calls.indexOf('cbt:off')).toBeLessThan(snap);
    expect(snap).toBeLessThan(calls.indexOf('open:2000:san'));
    expect(revert).toBeGreaterThan(calls.lastIndexOf('open:2000:san'));
    expect(revert).toBeLessThan(calls.indexOf('cbt:on'));
    expect(target.state.get(outcome.vm!.moref)?.snapshots).toEqual([]);
    expect(outcome.phases.find((p) => p.phase === 'san-snapshot')?.status).toBe('done');
  });

  it('XPORT-SAN-RESTORE-SNAPSHOT: the restore snapshot is reverted and deleted after a failed write too', async () => {
    const target = new LocalImagesTarget(dir);
    target.failWriteN = 1;
    const outcome = await runRestoreJob(input('san'), { target, checkpoint: await checkpoint() });
    expect(outcome.ok).toBe(false);
    expect(target.calls.some((c) => c.startsWith('revertAndRemoveSnapshot:'))).toBe(true);
    expect(target.state.get(outcome.vm!.moref)?.snapshots).toEqual([]);
  });

  it('no restore snapshot for network transports', async () => {
    const target = new LocalImagesTarget(dir);
    const outcome = await runRestoreJob(input('nbdssl'), { target, checkpoint: await checkpoint() });
    expect(outcome.errors).toEqual([]);
    expect(target.calls.some((c) => c.startsWith('createSnapshot'))).toBe(false);
    expect(outcome.phases.find((p) => p.phase === 'san-snapshot')?.status).toBe('skipped');
  });

  async function existingVm(target: LocalImagesTarget) {
    return target.createVm(point.manifest, { name: 'db01', datastore: 'lab-san', encryption: 'keep' });
  }
  const diskInput = (transport: 'san' | 'nbdssl', vm: { moref: string; name: string }, extra: Partial<RestoreJobInput> = {}) =>
    input(transport, { kind: 'disks', plan: planFor(transport, 'disks'), placement: undefined, existingVm: vm, ...extra });

  it('XPORT-SAN-EXISTING-SNAPSHOTS: a VM that already has snapshots is refused before any write', async () => {
    const target = new LocalImagesTarget(dir);
    const vm = await existingVm(target);
    target.state.set(vm.moref, { powerState: 'poweredOff', snapshots: [{ ref: 'snapshot-7', name: 'before patching' }] });
    const outcome = await runRestoreJob(diskInput('san', vm), { target, checkpoint: await checkpoint() });
    expect(outcome.ok).toBe(false);
    expect(outcome.errors.join(' ')).toMatch(/XPORT-SAN-EXISTING-SNAPSHOTS.*nbdssl/);
    expect(target.calls.some((c) => c.startsWith('open:') || c.startsWith('createSnapshot'))).toBe(false);
    expect(target.state.get(vm.moref)?.snapshots).toEqual([{ ref: 'snapshot-7', name: 'before patching' }]);
  });

  it('DATA-TARGET-POWERED-ON: writing the disks of a running VM is refused before anything changes', async () => {
    const target = new LocalImagesTarget(dir);
    const vm = await existingVm(target);
    target.state.set(vm.moref, { powerState: 'poweredOn', snapshots: [] });
    const before = target.calls.length;
    const outcome = await runRestoreJob(diskInput('nbdssl', vm), { target, checkpoint: await checkpoint() });
    expect(outcome.ok).toBe(false);
    expect(outcome.errors.join(' ')).toMatch(/powered on.*DATA-TARGET-POWERED-ON/);
    // Nothing changed: no PrepareForAccess, no change tracking toggled, no disk opened.
    expect(target.calls.slice(before).filter((c) => !c.startsWith('endAccess'))).toEqual([]);
  });

  it('DATA-TARGET-POWERED-ON: the explicit power-off step powers the VM off first, then restores', async () => {
    const target = new LocalImagesTarget(dir);
    const vm = await existingVm(target);
    target.state.set(vm.moref, { powerState: 'poweredOn', snapshots: [] });
    const outcome = await runRestoreJob(diskInput('nbdssl', vm, { powerOffTarget: true }), { target, checkpoint: await checkpoint() });
    expect(outcome.errors).toEqual([]);
    expect(target.calls.indexOf('powerOff')).toBeLessThan(target.calls.indexOf('open:2000:nbdssl'));
  });
});
