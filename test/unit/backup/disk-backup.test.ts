import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKUP_READ_AHEAD_BYTES, planSourceDisk, backupDisk, type BackupSourceDisk } from '../../../electron/backup/disk-backup';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { diskMeta, pointMeta, tempDir, TEST_KDF } from '../repository/repository-fixtures';

const KiB = 1024;
const MiB = 1024 * KiB;
const SECTORS_64K = 128;

/** An in-memory disk that reports allocation in 64 KiB chunks, like VDDK's QueryAllocatedBlocks. */
class FakeVddkDisk implements BackupSourceDisk {
  readonly bytes: Buffer;
  readonly allocated = new Set<number>();
  reads = 0;
  /** Reads started and not yet answered, and the most at once. */
  private running = 0;
  mostAtOnce = 0;
  constructor(readonly capacity: number) {
    this.bytes = Buffer.alloc(capacity);
  }
  write(offset: number, data: Buffer): void {
    data.copy(this.bytes, offset);
    for (let c = Math.floor(offset / (64 * KiB)); c * 64 * KiB < offset + data.length; c++) this.allocated.add(c);
  }
  async read(offset: number, length: number): Promise<Buffer> {
    this.reads += length;
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    // Answers on a later turn of the event loop, as the VDDK worker does.
    await new Promise((resolve) => setImmediate(resolve));
    this.running--;
    return Buffer.from(this.bytes.subarray(offset, offset + length));
  }
  async allocatedBlocks(): Promise<Array<[number, number]>> {
    return [...this.allocated].sort((a, b) => a - b).map((c) => [c * SECTORS_64K, SECTORS_64K] as [number, number]);
  }
}

describe('backupDisk into a restore point', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir('lifeboat-backup-')));
  afterEach(() => cleanup());

  it('full then incremental: only changed areas are read and the incremental reads back like the disk', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF, chunkSize: MiB });
    const capacity = 6 * MiB + 64 * KiB;
    const disk = new FakeVddkDisk(capacity);
    disk.write(0, randomBytes(512));
    disk.write(2 * MiB, randomBytes(300 * KiB));
    disk.write(5 * MiB, Buffer.alloc(64 * KiB)); // allocated zeros

    const full = repo.beginPoint(pointMeta());
    const fullPlan = await planSourceDisk(disk, { kind: 'allocated' }, async () => []);
    const fullResult = await backupDisk({
      source: disk,
      writer: full.addDisk(diskMeta(2000, capacity)),
      key: 2000,
      plan: fullPlan,
      pieceBytes: MiB,
    });
    const first = await full.commit();
    expect(fullResult.bytesRead).toBe(64 * KiB + 320 * KiB + 64 * KiB);
    // Only the all-zero piece at 5 MiB is recorded as zeros; the others hold data.
    expect(fullResult.bytesZero).toBe(64 * KiB);

    // Guest writes after the first backup: one inside old data, one in a hole, one across a slot boundary.
    const changes = [
      { offset: 2 * MiB + 4 * KiB, data: randomBytes(8 * KiB) },
      { offset: 4 * MiB, data: randomBytes(64 * KiB) },
      { offset: 3 * MiB - 32 * KiB, data: randomBytes(64 * KiB) },
    ];
    for (const c of changes) disk.write(c.offset, c.data);
    disk.reads = 0;

    const inc = repo.beginPoint(pointMeta({ kind: 'incremental', parentPointId: first.manifest.id }));
    const incPlan = await planSourceDisk(
      disk,
      { kind: 'changed', parentPointId: first.manifest.id, sinceChangeId: 'e/1' },
      async () => changes.map((c) => ({ offset: c.offset, length: c.data.length })),
    );
    const incResult = await backupDisk({
      source: disk,
      writer: inc.addDisk(diskMeta(2000, capacity)),
      key: 2000,
      plan: incPlan,
      pieceBytes: MiB,
    });
    const second = await inc.commit();
    expect(incResult.bytesRead).toBe(8 * KiB + 64 * KiB + 64 * KiB);
    expect(disk.reads).toBe(incResult.bytesRead);

    const image = (await repo.openPoint(second.manifest.id)).disk(2000);
    expect((await image.read(0, capacity)).equals(disk.bytes)).toBe(true);
    // The unchanged head came from the parent.
    expect(Buffer.from(second.manifest.disks[0]!.sector0, 'base64').equals(disk.bytes.subarray(0, 512))).toBe(true);
  });

  it('reads the next pieces while the current one is stored, at most BACKUP_READ_AHEAD_BYTES ahead', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF, chunkSize: MiB });
    const disk = new FakeVddkDisk(16 * MiB);
    disk.write(0, randomBytes(16 * MiB));
    const w = repo.beginPoint(pointMeta());
    const plan = await planSourceDisk(disk, { kind: 'allocated' }, async () => []);
    let readWhileStoring = 0;
    const result = await backupDisk({
      source: disk,
      writer: w.addDisk(diskMeta(2000, 16 * MiB)),
      key: 2000,
      plan,
      pieceBytes: MiB,
      // A piece is reported once stored: the reads beyond it have started by then.
      onBytes: () => (readWhileStoring = Math.max(readWhileStoring, disk.reads)),
    });
    const { manifest } = await w.commit();
    expect(result.bytesRead).toBe(16 * MiB);
    expect(disk.reads).toBe(16 * MiB);
    expect(disk.mostAtOnce).toBeGreaterThanOrEqual(2);
    expect(disk.mostAtOnce).toBeLessThanOrEqual(1 + BACKUP_READ_AHEAD_BYTES / MiB);
    expect(readWhileStoring).toBeGreaterThan(MiB);
    const image = (await repo.openPoint(manifest.id)).disk(2000);
    expect((await image.read(0, 16 * MiB)).equals(disk.bytes)).toBe(true);
  });

  it('stops at the next piece when cancelled: the pieces read ahead are dropped, nothing more is read', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF, chunkSize: MiB });
    const disk = new FakeVddkDisk(16 * MiB);
    disk.write(0, randomBytes(16 * MiB));
    const controller = new AbortController();
    const w = repo.beginPoint(pointMeta());
    const plan = await planSourceDisk(disk, { kind: 'allocated' }, async () => []);
    const run = backupDisk({
      source: disk,
      writer: w.addDisk(diskMeta(2000, 16 * MiB)),
      key: 2000,
      plan,
      pieceBytes: MiB,
      signal: controller.signal,
      onBytes: () => controller.abort(new Error('cancelled by the user')),
    });
    await expect(run).rejects.toThrow(/cancelled by the user/);
    // The first piece and the ones read ahead of it, never the rest of the disk.
    expect(disk.reads).toBe(MiB + BACKUP_READ_AHEAD_BYTES);
    await w.abort();
    expect(await repo.pointIds()).toEqual([]);
  });
});
