import type { ByteRange } from '../../../electron/disks/byte-ranges';
import type {
  BackupSource,
  OpenedSourceDisk,
  SnapshotDiskRef,
  SourceSnapshot,
  SourceVm,
  SourceVmExtras,
} from '../../../electron/backup/backup-source-port';
import { MemoryDiskImage } from '../repository/memory-disk-image';
import { diskMeta, pointMeta } from '../repository/repository-fixtures';

interface StandInDisk {
  key: number;
  label: string;
  diskMode: string;
  image: MemoryDiskImage;
  /** Guest writes while change tracking is on, each with the change generation it made. */
  changes: Array<ByteRange & { generation: number }>;
  generation: number;
}

/**
 * STAND-IN for the vSphere + VDDK backup source in unit tests of the backup
 * job: a "VM" is a few disks in memory with a change log per disk (like CBT),
 * and every port call is recorded so the tests can check the order. The real
 * source is tested against the lab (vcsim + lab VDDK) in the integration tests.
 */
export class StandInBackupSource implements BackupSource {
  readonly server = 'stand-in.lab';
  readonly calls: string[] = [];
  kind: 'vcenter' | 'esxi' = 'vcenter';
  cbt = false;
  /** Live snapshots by reference, each with the disk contents it froze. */
  readonly snapshots = new Map<string, Map<number, Buffer>>();
  /** Fail the Nth disk read (1-based), like the lab VDDK's fault injection. */
  failReadN = 0;
  private reads = 0;
  private readonly disks = new Map<number, StandInDisk>();

  constructor(readonly vmName = 'web-01') {}

  get supportsPrepareForAccess(): boolean {
    return this.kind === 'vcenter';
  }

  addDisk(key: number, capacity: number, diskMode = 'persistent'): MemoryDiskImage {
    const image = new MemoryDiskImage(capacity);
    this.disks.set(key, { key, label: `Hard disk ${key - 1999}`, diskMode, image, changes: [], generation: 1 });
    return image;
  }

  /** A guest write: the disk changes and, with change tracking on, the change log records it. */
  async guestWrite(key: number, offset: number, data: Buffer): Promise<void> {
    const disk = this.disks.get(key)!;
    await disk.image.write(offset, data);
    if (this.cbt) disk.changes.push({ offset, length: data.length, generation: ++disk.generation });
  }

  /** Fails the read after the next `n - 1` ones (1: the next read). */
  failRead(n: number): void {
    this.failReadN = this.reads + n;
  }

  /** A disk's bytes as the guest sees them now. */
  contents(key: number): Promise<Buffer> {
    const disk = this.disks.get(key)!;
    return disk.image.read(0, disk.image.capacity);
  }

  async findVm(name: string): Promise<string> {
    this.calls.push(`findVm:${name}`);
    if (name !== this.vmName) throw new Error(`No virtual machine named "${name}" on ${this.server}.`);
    return 'vm-42';
  }

  async readVm(moref: string): Promise<SourceVm> {
    this.calls.push('readVm');
    const disks = [...this.disks.values()];
    return {
      moref,
      name: this.vmName,
      instanceUuid: 'stand-in-uuid-1',
      changeTrackingEnabled: this.cbt,
      encrypted: false,
      hasVtpm: false,
      disks: disks.map((d) => ({
        key: d.key,
        label: d.label,
        capacityBytes: d.image.capacity,
        diskMode: d.diskMode,
        fileName: `[ds1] ${this.vmName}/disk-${d.key}.vmdk`,
        encrypted: false,
      })),
      pointMeta: ({ kind, parentPointId }) =>
        pointMeta({
          vm: { name: this.vmName, instanceUuid: 'stand-in-uuid-1', moref, sourceServer: this.server },
          vtpm: null,
          keyId: null,
          encryptionBundle: null,
          skippedIndependentDisks: [],
          kind,
          parentPointId,
        }),
      diskMeta: (key, changeId) => ({ ...diskMeta(key, this.disks.get(key)!.image.capacity), changeId }),
    };
  }

  async readExtras(): Promise<SourceVmExtras> {
    this.calls.push('readExtras');
    return {
      policy: null,
      policyNote: 'the stand-in has no storage policy service',
      nvram: { fileName: `${this.vmName}.nvram`, data: Buffer.alloc(4096, 7) },
    };
  }

  async enableChangeTracking(): Promise<void> {
    this.calls.push('enableChangeTracking');
    this.cbt = true;
  }

  async removeStaleSnapshots(): Promise<string[]> {
    this.calls.push('removeStaleSnapshots');
    return [];
  }

  async startReader(): Promise<void> {
    this.calls.push('startReader');
  }

  async cleanup(): Promise<number> {
    this.calls.push('cleanup');
    return 0;
  }

  async prepareForAccess(): Promise<void> {
    this.calls.push('prepareForAccess');
  }

  async createSnapshot(_vm: SourceVm, name: string): Promise<SourceSnapshot> {
    this.calls.push(`createSnapshot:${name.split(' ').slice(0, 2).join(' ')}`);
    const ref = `snapshot-${this.snapshots.size + 1}`;
    this.snapshots.set(ref, new Map([...this.disks.values()].map((d) => [d.key, Buffer.from(d.image.bytes)])));
    const disks = [...this.disks.values()]
      .filter((d) => !d.diskMode.startsWith('independent'))
      .map((d) => ({
        key: d.key,
        fileName: `[ds1] ${this.vmName}/disk-${d.key}-000001.vmdk`,
        capacityBytes: d.image.capacity,
        changeId: this.cbt ? `stand-in/${d.generation}` : null,
      }));
    return { ref, disks };
  }

  async connect(snapshot: SourceSnapshot): Promise<void> {
    this.calls.push(`connect:${snapshot.ref}`);
  }

  async openDisk(ref: SnapshotDiskRef): Promise<OpenedSourceDisk> {
    this.calls.push(`openDisk:${ref.key}`);
    const disk = this.disks.get(ref.key)!;
    const frozen = [...this.snapshots.values()].at(-1)!.get(ref.key)!;
    const allocated = disk.image.allocated.map((r) => [r.offset / 512, r.length / 512] as [number, number]);
    return {
      capacity: disk.image.capacity,
      transportMode: 'nbdssl',
      read: async (offset, length) => {
        if (++this.reads === this.failReadN) throw new Error('VIX error 2 reading the disk (stand-in fault)');
        return Buffer.from(frozen.subarray(offset, offset + length));
      },
      allocatedBlocks: async () => allocated,
      close: async () => void this.calls.push(`closeDisk:${ref.key}`),
    };
  }

  async changedAreas(
    _vm: SourceVm,
    _snapshot: SourceSnapshot,
    ref: SnapshotDiskRef,
    sinceChangeId: string,
  ): Promise<ByteRange[]> {
    this.calls.push(`changedAreas:${ref.key}:${sinceChangeId}`);
    const disk = this.disks.get(ref.key)!;
    if (sinceChangeId === '*') return disk.image.allocated.map((r) => ({ ...r }));
    const since = Number(sinceChangeId.split('/')[1]);
    return disk.changes.filter((c) => c.generation > since).map((c) => ({ offset: c.offset, length: c.length }));
  }

  async disconnect(): Promise<void> {
    this.calls.push('disconnect');
  }

  async removeSnapshot(snapshot: SourceSnapshot): Promise<void> {
    this.calls.push('removeSnapshot');
    this.snapshots.delete(snapshot.ref);
  }

  async endAccess(): Promise<void> {
    this.calls.push('endAccess');
  }

  async closeReader(): Promise<void> {
    this.calls.push('closeReader');
  }

  readerCalls() {
    return { Read: { calls: this.reads, errors: 0, totalMs: 0 } };
  }
}
