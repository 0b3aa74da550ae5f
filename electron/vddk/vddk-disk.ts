import { SECTOR_SIZE, assertAlignedRange, type DiskExtent, type DiskImage } from '../disks/disk-image';
import { DiskKeepalive } from './disk-keepalive';
import { VddkError } from './vddk-error';
import type { VddkWorkerProcess } from './vddk-worker-process';

/** What GetInfo says about an open disk. */
export interface VddkDiskInfo {
  capacitySectors: number;
  adapterType: number;
  numLinks: number;
  uuid?: string;
  parentFileNameHint?: string;
  logicalSectorSize: number;
  physicalSectorSize: number;
}

/** NBD and NBDSSL requests stay at or under 2 MiB (larger ones exhaust the host's NFC memory). */
export const NFC_MAX_REQUEST_BYTES = 2 * 1024 * 1024;
/** Other transports: big enough to stream well, small enough to keep latency low. */
export const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** QueryAllocatedBlocks granularity: 128 sectors (64 KiB), VDDK's minimum chunk. */
export const ALLOCATION_CHUNK_SECTORS = 128;

/**
 * One open VDDK disk. Offsets are bytes, sector aligned. Requests are split to
 * the transport's limit; I/O for this disk runs on its own thread in the worker.
 */
export class VddkDisk implements DiskImage {
  private closed = false;
  private allocation: Array<[number, number]> | undefined;
  /** DATA-ALLOCATION-UNKNOWN: why VDDK could not say which blocks are allocated (the disk then counts as whole). */
  allocationUnknown: string | undefined;
  private readonly keepalive: DiskKeepalive;
  readonly maxRequestBytes: number;

  constructor(
    private readonly worker: VddkWorkerProcess,
    private readonly handle: number,
    readonly path: string,
    readonly transportMode: string,
    readonly info: VddkDiskInfo,
    readonly readOnly: boolean,
    keepaliveMs: number,
    private readonly onClosed: () => void = () => {},
  ) {
    this.maxRequestBytes = /^nbd/.test(transportMode) ? NFC_MAX_REQUEST_BYTES : DEFAULT_MAX_REQUEST_BYTES;
    this.keepalive = new DiskKeepalive(keepaliveMs, async () => {
      await this.worker.call('read', [this.handle, 0, 1]);
    });
    this.keepalive.start();
  }

  get capacity(): number {
    return this.info.capacitySectors * SECTOR_SIZE;
  }

  /** Keepalive reads made so far (NFC-KEEPALIVE). */
  get keepaliveReads(): number {
    return this.keepalive.count;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    this.check(offset, length);
    this.keepalive.touch();
    // All pieces are sent at once: the disk's thread runs them in order while the pipe carries the others.
    const parts = await Promise.all(
      this.pieces(length).map(async ([at, n]) => {
        const r = await this.worker.call('read', [this.handle, (offset + at) / SECTOR_SIZE, n / SECTOR_SIZE]);
        return r.payload ?? Buffer.alloc(0);
      }),
    );
    this.keepalive.touch();
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
  }

  async write(offset: number, data: Buffer): Promise<void> {
    if (this.readOnly) throw new Error(`${this.path} is open read-only`);
    this.check(offset, data.length);
    this.keepalive.touch();
    this.allocation = undefined;
    await Promise.all(
      this.pieces(data.length).map(([at, n]) =>
        this.worker.call('write', [this.handle, (offset + at) / SECTOR_SIZE], data.subarray(at, at + n)),
      ),
    );
    this.keepalive.touch();
  }

  /** [offset within the request, length] pieces no larger than the transport allows. */
  private pieces(length: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let at = 0; at < length; at += this.maxRequestBytes) out.push([at, Math.min(this.maxRequestBytes, length - at)]);
    return out;
  }

  async flush(): Promise<void> {
    this.assertOpen();
    await this.worker.call('flush', [this.handle]);
  }

  /**
   * Allocated runs in sectors [offset, length], whole disk, queried once and
   * cached (each call costs seconds on a real host and holds the handle). When
   * VDDK cannot answer, the whole disk is one run and `allocationUnknown` says why.
   */
  async allocatedBlocks(): Promise<Array<[number, number]>> {
    this.assertOpen();
    if (!this.allocation) {
      try {
        // NFC-KEEPALIVE held off: the query holds the handle, and a keepalive read must not meet it.
        const r = await this.keepalive.hold(() =>
          this.worker.call('queryAllocatedBlocks', [this.handle, 0, this.info.capacitySectors, ALLOCATION_CHUNK_SECTORS]),
        );
        this.allocation = r.value as Array<[number, number]>;
      } catch (err) {
        if (!(err instanceof VddkError)) throw err;
        // DATA-ALLOCATION-UNKNOWN: not fatal (as in nbdkit); every sector counts as data.
        this.allocationUnknown = err.message;
        this.allocation = this.info.capacitySectors > 0 ? [[0, this.info.capacitySectors]] : [];
      }
    }
    return this.allocation;
  }

  async extents(offset = 0, length = this.capacity - offset): Promise<DiskExtent[]> {
    assertAlignedRange(this.capacity, offset, length);
    const end = offset + length;
    const out: DiskExtent[] = [];
    let pos = offset;
    const push = (to: number, kind: DiskExtent['kind']): void => {
      if (to <= pos) return;
      const last = out[out.length - 1];
      if (last && last.kind === kind) last.length += to - pos;
      else out.push({ offset: pos, length: to - pos, kind });
      pos = to;
    };
    for (const [start, count] of await this.allocatedBlocks()) {
      const a = start * SECTOR_SIZE;
      const b = a + count * SECTOR_SIZE;
      if (b <= pos) continue;
      if (a >= end) break;
      push(Math.min(a, end), 'zero');
      push(Math.min(b, end), 'data');
    }
    push(end, 'zero');
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.keepalive.stop();
    this.onClosed();
    await this.worker.call('close', [this.handle]);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${this.path} is closed`);
  }

  private check(offset: number, length: number): void {
    this.assertOpen();
    assertAlignedRange(this.capacity, offset, length);
  }
}
