import { promises as fsp } from 'node:fs';
import { ZERO_BLOCK_SIZE, isAllZero } from './zero-block';

/** Written bytes after which a flush to disk is started in the background (see flushBehind). */
const WRITE_BEHIND_BYTES = 16 * 1024 * 1024;
/**
 * Write-behind flushes running at once in this process, over every file: a flush holds one of
 * libuv's four pool threads until the disk has the data, and four disks restored at once must
 * not leave none for their reads and writes. A file whose turn is taken flushes at a later write.
 */
const MAX_FLUSHES_AT_ONCE = 1;
let flushesRunning = 0;

/**
 * Positional I/O on a plain file that keeps thin files thin: Node cannot punch
 * holes, so an all-zero 64 KiB block is simply not written where the file
 * already reads as zeros there (a hole, or past end of file).
 */
export class ThinFile {
  /** Bytes written since the last write-behind flush was started. */
  private unsynced = 0;
  /** The write-behind flush under way, and the first error one met (reported by sync()). */
  private flushing: Promise<void> | null = null;
  private flushError: unknown = null;

  private constructor(
    readonly path: string,
    private readonly handle: fsp.FileHandle,
  ) {}

  static async open(path: string, writable: boolean): Promise<ThinFile> {
    return new ThinFile(path, await fsp.open(path, writable ? 'r+' : 'r'));
  }

  /** Creates (or truncates) a file of `size` bytes that is all holes; a new file is 0600 (disk images are private). */
  static async create(path: string, size: number): Promise<ThinFile> {
    const handle = await fsp.open(path, 'w+', 0o600);
    try {
      await handle.truncate(size);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return new ThinFile(path, handle);
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  /** Reads exactly `length` bytes; bytes past end of file read as zeros. */
  async read(offset: number, length: number): Promise<Buffer> {
    // Not zero-filled first: readInto writes every byte (zeros past end of file).
    const buf = Buffer.allocUnsafe(length);
    await this.readInto(buf, offset);
    return buf;
  }

  async readInto(buf: Buffer, offset: number): Promise<void> {
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await this.handle.read(buf, done, buf.length - done, offset + done);
      if (bytesRead <= 0) {
        buf.fill(0, done);
        return;
      }
      done += bytesRead;
    }
  }

  /** Writes all of `data` at `offset`. */
  async writeAll(offset: number, data: Buffer): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.handle.write(data, done, data.length - done, offset + done);
      done += bytesWritten;
    }
    this.unsynced += data.length;
    if (this.unsynced >= WRITE_BEHIND_BYTES && !this.flushing && flushesRunning < MAX_FLUSHES_AT_ONCE) this.flushBehind();
  }

  /**
   * Starts writing what is in the page cache to the disk while the copy goes
   * on, without waiting for it: the closing sync then has little left to do
   * (the kernel would otherwise hold a whole export's data until that sync,
   * which was a third of a 512 MiB export's time). One at a time; a failure
   * is kept for sync() to report.
   */
  private flushBehind(): void {
    this.unsynced = 0;
    flushesRunning++;
    this.flushing = this.handle
      .datasync()
      .catch((err: unknown) => {
        this.flushError ??= err;
      })
      .finally(() => {
        flushesRunning--;
        this.flushing = null;
      });
  }

  /** Writes `data`, skipping all-zero 64 KiB blocks whose target already reads as zeros. */
  async writeThin(offset: number, data: Buffer): Promise<void> {
    let runStart = 0;
    let pos = 0;
    const probe = Buffer.allocUnsafe(ZERO_BLOCK_SIZE);
    while (pos < data.length) {
      // Blocks follow the file's 64 KiB grid so that partial blocks at the edges are handled alike.
      const fileBlockEnd = offset + pos - ((offset + pos) % ZERO_BLOCK_SIZE) + ZERO_BLOCK_SIZE;
      const n = Math.min(fileBlockEnd - (offset + pos), data.length - pos);
      const chunk = data.subarray(pos, pos + n);
      let skip = false;
      if (isAllZero(chunk)) {
        const target = probe.subarray(0, n);
        await this.readInto(target, offset + pos);
        skip = isAllZero(target);
      }
      if (skip) {
        if (pos > runStart) await this.writeAll(offset + runStart, data.subarray(runStart, pos));
        runStart = pos + n;
      }
      pos += n;
    }
    if (pos > runStart) await this.writeAll(offset + runStart, data.subarray(runStart, pos));
  }

  async truncate(size: number): Promise<void> {
    await this.handle.truncate(size);
  }

  async sync(): Promise<void> {
    await this.flushing;
    if (this.flushError) throw this.flushError;
    await this.handle.sync();
  }

  async close(): Promise<void> {
    // A write-behind flush still running must end before its handle closes.
    await this.flushing;
    await this.handle.close();
  }
}
