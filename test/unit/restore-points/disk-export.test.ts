import { closeSync, existsSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DiskFormatError } from '../../../electron/disks/disk-image';
import { RawImage } from '../../../electron/disks/raw-image';
import { exportDisk, ExportVerificationError } from '../../../electron/restore-points/disk-export';
import { openDiskImage } from '../../../electron/disks/open-disk-image';
import { MemoryDiskImage } from '../repository/memory-disk-image';

const MiB = 1024 * 1024;

/** 16 MiB: 0x5a at 2 MiB (1 MiB), an allocated but all-zero MiB at 8 MiB, a sector of 0x11 at the very end. */
async function source(): Promise<MemoryDiskImage> {
  const img = new MemoryDiskImage(16 * MiB);
  await img.write(2 * MiB, Buffer.alloc(MiB, 0x5a));
  await img.write(8 * MiB, Buffer.alloc(MiB));
  await img.write(16 * MiB - 512, Buffer.alloc(512, 0x11));
  return img;
}

/** Reads differently every time: stands in for a source or medium that changes under the export. */
describe('disk export', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-export-'));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes raw sparse (zero pieces skipped), reports sizes and a matching verification', async () => {
    const file = join(dir, 'out.raw');
    const phases = new Set<string>();
    const r = await exportDisk(await source(), file, { format: 'raw', onProgress: (_d, _t, p) => void phases.add(p) });
    expect(r.dataBytes).toBe(MiB + 512);
    expect(r.fileBytes).toBe(16 * MiB);
    expect(r.fileAllocatedBytes).toBeLessThan(4 * MiB);
    expect(r.verification.ok).toBe(true);
    expect(r.verification.bytesCompared).toBe(2 * MiB + 512);
    // Verified while writing: each piece read back as it was written, no separate pass.
    expect([...phases]).toEqual(['write']);
    expect(r.verification.method).toBe('while-writing');
    const bytes = await readFile(file);
    expect(bytes[2 * MiB]).toBe(0x5a);
    expect(bytes[16 * MiB - 1]).toBe(0x11);
    expect((await stat(file)).size).toBe(16 * MiB);
  });

  it('writes a streamOptimized VMDK our reader opens with the same content', async () => {
    const file = join(dir, 'out.vmdk');
    const r = await exportDisk(await source(), file, { format: 'vmdk' });
    expect(r.verification.ok).toBe(true);
    const back = await openDiskImage(file);
    expect(back.capacity).toBe(16 * MiB);
    expect((await back.read(2 * MiB, 512)).every((b) => b === 0x5a)).toBe(true);
    const data = (await back.extents()).filter((e) => e.kind === 'data');
    // The all-zero MiB at 8 MiB was not stored.
    expect(data.every((e) => e.offset + e.length <= 8 * MiB || e.offset >= 9 * MiB)).toBe(true);
    await back.close();
  });

  it('says its progress again while nothing moves, so a UI never looks stalled', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reads = 0;
    // The second piece's read waits until the test has seen the last progress said again.
    const img = new (class extends MemoryDiskImage {
      override async read(offset: number, length: number): Promise<Buffer> {
        if (reads++ === 1) await held;
        return super.read(offset, length);
      }
    })(16 * MiB);
    await img.write(0, Buffer.alloc(12 * MiB, 0x5a));
    const seen: Array<[number, number, string]> = [];
    let repeated!: () => void;
    const sawRepeat = new Promise<void>((r) => (repeated = r));
    const onProgress = (done: number, total: number, phase: 'write' | 'verify') => {
      const prev = seen[seen.length - 1];
      seen.push([done, total, phase]);
      if (prev && prev[0] === done && prev[2] === phase) repeated();
    };
    const exporting = exportDisk(img, join(dir, 'held.raw'), { format: 'raw', onProgress });
    await sawRepeat;
    release();
    const r = await exporting;
    expect(r.verification.ok).toBe(true);
    expect(seen.length).toBeGreaterThan(2);
  });

  it('after writing (streamOptimized): a closed file changed before its read-back fails the export, nothing put in place', async () => {
    const img = new MemoryDiskImage(4 * MiB);
    await img.write(MiB, Buffer.alloc(MiB, 0x33));
    // The file changes after the copy wrote it and before the read-back (a faulty controller, another writer).
    const onProgress = (done: number, total: number, phase: 'write' | 'verify') => {
      if (phase !== 'write' || done < total) return;
      const staging = readdirSync(dir).find((f) => f.startsWith('.lifeboat-export-'))!;
      const fd = openSync(join(dir, staging, 'drift.vmdk'), 'r+');
      const end = statSync(join(dir, staging, 'drift.vmdk')).size;
      // Overwrite the middle of the file: inside the compressed grain data.
      writeSync(fd, Buffer.alloc(64, 0x44), 0, 64, Math.floor(end / 2));
      closeSync(fd);
    };
    const err = await exportDisk(img, join(dir, 'drift.vmdk'), { format: 'vmdk', onProgress }).catch((e: unknown) => e);
    // Whether the change hits the descriptor, a grain or its data, the read-back refuses the file.
    expect(err instanceof ExportVerificationError || err instanceof DiskFormatError).toBe(true);
    expect(existsSync(join(dir, 'drift.vmdk'))).toBe(false);
  });

  it('while writing (raw): a piece that reads back differently fails verification, naming the byte, and nothing is put in place', async () => {
    const img = new MemoryDiskImage(4 * MiB);
    await img.write(MiB, Buffer.alloc(MiB, 0x33));
    // The medium returns one changed byte when the piece is read back (into the checker's own buffer).
    const readInto = RawImage.prototype.readInto;
    vi.spyOn(RawImage.prototype, 'readInto').mockImplementation(async function (this: RawImage, buf: Buffer, offset: number) {
      await readInto.call(this, buf, offset);
      if (offset <= MiB + 4096 && MiB + 4096 < offset + buf.length) buf[MiB + 4096 - offset] = 0x44;
    });
    const err = await exportDisk(img, join(dir, 'drift.raw'), { format: 'raw' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportVerificationError);
    const v = (err as ExportVerificationError).result.verification;
    expect(v).toMatchObject({ ok: false, method: 'while-writing', firstMismatch: MiB + 4096 });
    expect((err as Error).message).toMatch(/reads back differently from the restore point from byte 1052672/);
    expect(existsSync(join(dir, 'drift.raw'))).toBe(false);
  });

  it('raw and flat exports are verified while writing, streamOptimized after writing', async () => {
    const img = await source();
    const raw = await exportDisk(img, join(dir, 'm.raw'), { format: 'raw' });
    const flat = await exportDisk(img, join(dir, 'm.vmdk'), { format: 'vmdk-flat' });
    const stream = await exportDisk(img, join(dir, 's.vmdk'), { format: 'vmdk' });
    expect(raw.verification).toMatchObject({ ok: true, method: 'while-writing', bytesCompared: 2 * MiB + 512 });
    expect(flat.verification).toMatchObject({ ok: true, method: 'while-writing', bytesCompared: 2 * MiB + 512 });
    expect(stream.verification).toMatchObject({ ok: true, method: 'after-writing' });
    expect(stream.verification.exportSha256).toMatch(/^crc32:[0-9a-f]{8}$/);
  });
});
