import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';
import { runRestoreJob } from '../../../electron/restore/restore-job';
import type { OpenDiskOptions, OpenedTargetDisk, RestoreVm } from '../../../electron/restore/restore-target';
import { MemoryDiskImage, patternBytes } from '../repository/memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from '../repository/repository-fixtures';
import { LocalImagesTarget } from '../restore/local-images-target';

const MiB = 1024 * 1024;

/** Counts the disks open for writing at once, as a host counts its NFC sessions. */
class CountingTarget extends LocalImagesTarget {
  open = 0;
  peak = 0;
  override async openDisk(vm: RestoreVm, diskKey: number, options: OpenDiskOptions): Promise<OpenedTargetDisk> {
    const opened = await super.openDisk(vm, diskKey, options);
    this.peak = Math.max(this.peak, ++this.open);
    // Hold the disk a moment so the other streams get their chance to open theirs.
    await new Promise((r) => setImmediate(r));
    return {
      ...opened,
      close: async () => {
        this.open--;
        await opened.close();
      },
    };
  }
}

function plan() {
  const disks = [0, 1, 2].map((unit) => ({
    key: 2000 + unit,
    controller: 'pvscsi',
    bus: 0,
    unit,
    capacityBytes: 8 * MiB,
    allocatedBytes: 2 * MiB,
    provisioning: 'thin',
  }));
  const parsed = parseScenario({
    workstation: { kind: 'physical', datastores: [], scsiControllerBuses: [] },
    connection: { kind: 'vcenter', server: 'vc.lab', vcenter: 'vc.lab' },
    target: {
      host: { esxiVersion: '8.0.2', managementServerIp: null, sanAttached: false },
      datastore: { name: 'ds1', type: 'VMFS', freeBytes: 1e12 },
    },
    restorePoint: { vm: { name: 'app01', guestFamily: 'linux', firmware: 'bios', nvramSaved: false }, disks },
    options: { transport: 'nbdssl', restoreKind: 'full-vm' },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return planRestore(parsed.scenario);
}

describe('a recovery passes each VM its share of the host cap down to the restore job (maxStreams)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let point: RestorePoint;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lifeboat-maxstreams-'));
    const repo = await Repository.init(new LocalFolderBackend(`${dir}/repo`), 'pw', { kdf: TEST_KDF });
    const writer = repo.beginPoint(pointMeta({ configInfo: { name: 'app01' } }));
    for (const key of [2000, 2001, 2002]) {
      const img = new MemoryDiskImage(8 * MiB);
      await img.write(MiB, patternBytes(2 * MiB, key));
      await copyImage(img, writer.addDisk(diskMeta(key, 8 * MiB)));
    }
    point = await repo.openPoint((await writer.commit()).manifest.id);
  });
  afterEach(() => cleanup());

  async function peakWith(maxStreams: number | undefined, jobId: string) {
    const p = plan();
    expect(p.streamsPerHost).toBeGreaterThanOrEqual(3);
    const target = new CountingTarget(dir);
    const checkpoint = await RestoreCheckpointFile.create(`${dir}/home`, {
      jobId,
      request: {},
      vm: null,
      cbtWasOn: null,
      phases: [],
      disks: {},
    });
    const outcome = await runRestoreJob(
      {
        jobId,
        kind: 'full-vm',
        manifest: point.manifest,
        openPointDisk: async (key) => point.disk(key),
        nvram: async () => null,
        plan: p,
        placement: { name: `app01-${jobId}`, datastore: 'ds1', encryption: 'keep' },
        identity: `Lifeboat ${jobId}`,
      },
      { target, checkpoint, maxStreams },
    );
    expect(outcome.errors).toEqual([]);
    return target.peak;
  }

  it('opens at most maxStreams disks at once; without it, as many as the plan says', async () => {
    expect(await peakWith(undefined, 'job-a')).toBe(3);
    expect(await peakWith(1, 'job-b')).toBe(1);
    expect(await peakWith(2, 'job-c')).toBe(2);
  });
});
