import { PointDiskImage } from './point-disk-image';
import type { RestorePointManifest } from './restore-point-manifest';

/** A committed restore point, opened for restore. */
export class RestorePoint {
  constructor(
    readonly manifest: RestorePointManifest,
    private readonly readChunk: (id: string) => Promise<Buffer>,
  ) {}

  get id(): string {
    return this.manifest.id;
  }

  /** The disk with this device key as a read-only DiskImage. */
  disk(key: number): PointDiskImage {
    const disk = this.manifest.disks.find((d) => d.key === key);
    if (!disk)
      throw new Error(
        `restore point ${this.id} has no disk with key ${key} (it has ${this.manifest.disks.map((d) => d.key).join(', ') || 'none'})`,
      );
    return new PointDiskImage(disk, this.manifest.chunkSize, this.readChunk);
  }

  /** The saved NVRAM file, or null when the point has none (VTPM-NVRAM-MISSING). */
  async readNvram(): Promise<{ fileName: string; data: Buffer } | null> {
    const nvram = this.manifest.nvram;
    if (!nvram) return null;
    const parts = await Promise.all(
      nvram.chunks.map((id, i) =>
        id
          ? this.readChunk(id)
          : Promise.resolve(Buffer.alloc(Math.min(this.manifest.chunkSize, nvram.size - i * this.manifest.chunkSize))),
      ),
    );
    return { fileName: nvram.fileName, data: Buffer.concat(parts) };
  }
}
