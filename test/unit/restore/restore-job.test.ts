import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDiskImage } from '../../../electron/disks/open-disk-image';
import { planRestore } from '../../../electron/planner/plan-restore';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';
import { runRestoreJob, type RestoreJobInput } from '../../../electron/restore/restore-job';
import { buildRestoreReport, renderReportHtml } from '../../../electron/restore/restore-report';
import { MemoryDiskImage, patternBytes } from '../repository/memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from '../repository/repository-fixtures';
import { LocalImagesTarget } from './local-images-target';

const MiB = 1024 * 1024;

/** A Windows-like disk: an MBR with a signature, data, holes. */
async function windowsDisk(capacity: number, seed: number): Promise<MemoryDiskImage> {
  const img = new MemoryDiskImage(capacity);
  const mbr = Buffer.alloc(512);
  patternBytes(440, seed).copy(mbr);
  mbr.writeUInt32LE(0x1a2b3c4d + seed, 440);
  mbr.writeUInt16LE(0xaa55, 510);
  await img.write(0, mbr);
  await img.write(MiB, patternBytes(3 * MiB, seed + 1));
  await img.write(capacity - MiB, patternBytes(MiB, seed + 2));
  return img;
}

function scenarioFor(transport: 'auto' | 'hotadd' | 'nbdssl') {
  const parsed = parseScenario({
    workstation: { kind: 'vm', vcenter: 'vc.lab', datastores: ['ds1'], scsiControllerBuses: [0] },
    connection: { kind: 'vcenter', server: 'vc.lab', vcenter: 'vc.lab' },
    target: { host: { esxiVersion: '8.0.2', managementServerIp: null, sanAttached: false }, datastore: { name: 'ds1', type: 'VMFS', freeBytes: 1e12 } },
    restorePoint: {
      vm: { name: 'win01', guestFamily: 'windows', firmware: 'efi', nvramSaved: true },
      disks: [
        { key: 2000, controller: 'pvscsi', bus: 0, unit: 0, capacityBytes: 64 * MiB, allocatedBytes: 5 * MiB, provisioning: 'thin' },
        { key: 2001, controller: 'pvscsi', bus: 0, unit: 1, capacityBytes: 32 * MiB, allocatedBytes: 5 * MiB, provisioning: 'lazyzeroed' },
      ],
    },
    options: { transport, restoreKind: 'full-vm' },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return planRestore(parsed.scenario);
}

describe('restore job (state machine over a stand-in target)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let point: RestorePoint;
  const sources = new Map<number, MemoryDiskImage>();

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lifeboat-restore-'));
    const repo = await Repository.init(new LocalFolderBackend(`${dir}/repo`), 'pw', { kdf: TEST_KDF });
    const writer = repo.beginPoint(pointMeta({ configInfo: { name: 'win01', changeTrackingEnabled: true } }));
    for (const [key, cap] of [
      [2000, 64 * MiB],
      [2001, 32 * MiB],
    ] as const) {
      const img = await windowsDisk(cap, key);
      sources.set(key, img);
      await copyImage(img, writer.addDisk(diskMeta(key, cap)));
    }
    await writer.setNvram('win01.nvram', patternBytes(8192, 7));
    const { manifest } = await writer.commit();
    point = await repo.openPoint(manifest.id);
  });
  afterEach(() => cleanup());

  function input(plan = scenarioFor('hotadd')): RestoreJobInput {
    return {
      jobId: 'job-1',
      kind: 'full-vm',
      manifest: point.manifest,
      openPointDisk: async (key) => point.disk(key),
      nvram: async () => (await point.readNvram())?.data ?? null,
      plan,
      placement: { name: 'win01-restored', datastore: 'ds1', encryption: 'keep' },
      identity: 'Lifeboat restore job-1',
    };
  }

  async function checkpoint() {
    return RestoreCheckpointFile.create(`${dir}/home`, { jobId: 'job-1', request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} });
  }

  async function restoredBytes(target: LocalImagesTarget, moref: string, key: number) {
    const img = await openDiskImage(target.diskPath(moref, key), { readOnly: true });
    const bytes = await img.read(0, img.capacity);
    await img.close();
    return bytes;
  }

  it('runs every step in order and restores identical disks, NVRAM and change tracking', async () => {
    const target = new LocalImagesTarget(dir);
    const outcome = await runRestoreJob(input(), { target, checkpoint: await checkpoint() });
    expect(outcome.errors).toEqual([]);
    expect(outcome.ok).toBe(true);
    expect(target.calls).toEqual([
      'createVm:win01-restored',
      'prepareForAccess:Lifeboat restore job-1',
      'open:2000:hotadd:unbuffered',
      'open:2001:hotadd:unbuffered',
      'open:2000:nbdssl',
      'open:2001:nbdssl',
      'open:2000:hotadd:unbuffered',
      'open:2001:hotadd:unbuffered',
      'uploadNvram',
      'cbt:on',
      'endAccess:Lifeboat restore job-1',
      'cleanup',
    ]);
    const vm = outcome.vm!;
    for (const key of [2000, 2001]) expect((await restoredBytes(target, vm.moref, key)).equals(sources.get(key)!.bytes)).toBe(true);
    expect(target.nvram?.equals(patternBytes(8192, 7))).toBe(true);
    expect(outcome.disks.every((d) => d.verify?.ok)).toBe(true);
    const report = buildRestoreReport({ jobId: 'job-1', kind: 'full-vm', target: target.description, repository: 'repo', pointId: point.id, pointCreatedAt: null, plan: input().plan, outcome });
    expect(report.outcome).toBe('succeeded');
    expect(report.steps.map((s) => s.rule)).toContain('STEP-WINDOWS-SIGNATURE');
    expect(report.findings.map((f) => f.rule)).toContain('XPORT-SAN-NEEDS-PHYSICAL');
    const html = renderReportHtml(report);
    expect(html).toContain('Restore succeeded');
    expect(html).toContain('STEP-CBT-OFF');
    expect(html).not.toContain('<script');
  });

  it('repairs a disk signature the HotAdd write changed (STEP-WINDOWS-SIGNATURE), then verifies identical', async () => {
    const target = new LocalImagesTarget(dir);
    target.hotaddChangesSignature = true;
    const outcome = await runRestoreJob(input(), { target, checkpoint: await checkpoint() });
    expect(outcome.errors).toEqual([]);
    expect(outcome.disks.find((d) => d.key === 2000)?.signature).toMatch(/rewrote MBR signature/);
    expect(outcome.disks.every((d) => d.verify?.ok)).toBe(true);
    const bytes = await restoredBytes(target, outcome.vm!.moref, 2000);
    expect(bytes.equals(sources.get(2000)!.bytes)).toBe(true);
    const phases = outcome.phases.map((p) => p.phase);
    expect(phases.indexOf('signature-check')).toBeLessThan(phases.indexOf('verify-disks'));
  });

  it('on a write fault still turns change tracking back on and calls EndAccess, then resumes to an identical result', async () => {
    const target = new LocalImagesTarget(dir);
    target.failWriteN = 3;
    const cp = await checkpoint();
    const failed = await runRestoreJob(input(scenarioFor('nbdssl')), { target, checkpoint: cp });
    expect(failed.ok).toBe(false);
    expect(failed.errors[0]).toMatch(/injected write fault/);
    expect(target.calls.slice(-2)).toEqual(['cbt:on', 'endAccess:Lifeboat restore job-1']);
    expect(failed.phases.find((p) => p.phase === 'write-disks')?.status).toBe('failed');
    expect(failed.phases.find((p) => p.phase === 'nvram')?.status).toBe('pending');

    target.failWriteN = 0;
    const saved = JSON.parse(await readFile(cp.file, 'utf8'));
    expect(saved.vm.moref).toBe(failed.vm!.moref);
    const resumed = await runRestoreJob(input(scenarioFor('nbdssl')), { target, checkpoint: await RestoreCheckpointFile.load(`${dir}/home`, 'job-1') });
    expect(resumed.errors).toEqual([]);
    expect(resumed.vm).toEqual(failed.vm);
    expect(resumed.phases.find((p) => p.phase === 'create-vm')?.status).toBe('done');
    expect(target.calls.filter((c) => c.startsWith('createVm'))).toHaveLength(1);
    for (const key of [2000, 2001]) expect((await restoredBytes(target, resumed.vm!.moref, key)).equals(sources.get(key)!.bytes)).toBe(true);
  });

  it('cancel stops the copy, still runs the closing steps, and a resume finishes identically', async () => {
    const target = new LocalImagesTarget(dir);
    const controller = new AbortController();
    let seen = 0;
    const cancelled = await runRestoreJob(input(scenarioFor('nbdssl')), {
      target,
      checkpoint: await checkpoint(),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'write-disks' && p.bytesDone > 0 && ++seen === 2) controller.abort(new Error('cancelled by the user'));
      },
    });
    expect(cancelled.ok).toBe(false);
    expect(cancelled.cancelled).toBe(true);
    expect(target.calls).toContain('endAccess:Lifeboat restore job-1');
    const resumed = await runRestoreJob(input(scenarioFor('nbdssl')), { target, checkpoint: await RestoreCheckpointFile.load(`${dir}/home`, 'job-1') });
    expect(resumed.ok).toBe(true);
    expect(resumed.disks.reduce((n, d) => n + (d.copy?.bytesResumed ?? 0), 0)).toBeGreaterThan(0);
    for (const key of [2000, 2001]) expect((await restoredBytes(target, resumed.vm!.moref, key)).equals(sources.get(key)!.bytes)).toBe(true);
  });

  it('skips PrepareForAccess/EndAccess on a standalone ESXi host and says why', async () => {
    const target = new LocalImagesTarget(dir, false);
    const outcome = await runRestoreJob(input(scenarioFor('nbdssl')), { target, checkpoint: await checkpoint() });
    expect(outcome.ok).toBe(true);
    expect(target.calls.some((c) => c.startsWith('prepareForAccess') || c.startsWith('endAccess'))).toBe(false);
    expect(outcome.phases.find((p) => p.phase === 'prepare-access')).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/standalone ESXi/) });
  });
});
