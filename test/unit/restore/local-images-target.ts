import { join } from 'node:path';
import type { DiskImage } from '../../../electron/disks/disk-image';
import { createDiskImage, openDiskImage } from '../../../electron/disks/open-disk-image';
import type { RestorePointManifest } from '../../../electron/repository/restore-point-manifest';
import type { NewTargetDisk, OpenDiskOptions, OpenedTargetDisk, RestoreTarget, RestoreVm, VmDiskState, VmPlacement } from '../../../electron/restore/restore-target';

/**
 * STAND-IN for the vSphere + VDDK target in unit tests of the job's state
 * machine: a "VM" is a folder of raw images, and every call is recorded so
 * the tests can check order and the closing steps. The real target is tested
 * against the lab (vcsim + lab VDDK) in the integration tests.
 */
export class LocalImagesTarget implements RestoreTarget {
  readonly description = 'local images (test stand-in)';
  readonly calls: string[] = [];
  cbt = new Map<string, boolean>();
  nvram: Buffer | null = null;
  /** Fail the Nth write to any disk (1-based), like the lab VDDK's fault injection. */
  failWriteN = 0;
  /** Alter the MBR signature on writes to sector 0 over hotadd, like the lab VDDK's option. */
  hotaddChangesSignature = false;
  /** Power state and snapshots per VM moref, as the host would report them. */
  readonly state = new Map<string, VmDiskState>();
  private writes = 0;
  private readonly vms = new Map<string, { name: string; disks: Map<number, number> }>();

  constructor(
    private readonly dir: string,
    readonly supportsPrepareForAccess = true,
  ) {}

  async prepareForAccess(_vm: RestoreVm | null, identity: string) {
    this.calls.push(`prepareForAccess:${identity}`);
  }
  async endAccess(_vm: RestoreVm | null, identity: string) {
    this.calls.push(`endAccess:${identity}`);
  }
  async createVm(point: RestorePointManifest, placement: VmPlacement): Promise<RestoreVm> {
    const moref = `vm-${this.vms.size + 100}`;
    const disks = new Map<number, number>();
    for (const d of point.disks) {
      await (await createDiskImage(this.diskPath(moref, d.key), 'raw', d.capacity)).close();
      disks.set(d.key, d.capacity);
    }
    this.vms.set(moref, { name: placement.name, disks });
    this.cbt.set(moref, false);
    this.calls.push(`createVm:${placement.name}`);
    return { moref, name: placement.name };
  }
  async addDisks(vm: RestoreVm, disks: NewTargetDisk[]) {
    const mapping = new Map<number, number>();
    const entry = this.vms.get(vm.moref);
    for (const d of disks) {
      const key = 3000 + (entry?.disks.size ?? 0);
      await (await createDiskImage(this.diskPath(vm.moref, key), 'raw', d.capacity)).close();
      entry?.disks.set(key, d.capacity);
      mapping.set(d.pointKey, key);
    }
    this.calls.push(`addDisks:${disks.length}`);
    return mapping;
  }
  async findVm(moref: string) {
    const vm = this.vms.get(moref);
    return vm ? { moref, name: vm.name } : null;
  }
  async changeTrackingEnabled(vm: RestoreVm) {
    return this.cbt.get(vm.moref) ?? false;
  }
  async setChangeTracking(vm: RestoreVm, enabled: boolean) {
    this.cbt.set(vm.moref, enabled);
    this.calls.push(`cbt:${enabled ? 'on' : 'off'}`);
  }
  diskPath(moref: string, key: number) {
    return join(this.dir, `${moref}-${key}.raw`);
  }
  async openDisk(vm: RestoreVm, diskKey: number, options: OpenDiskOptions): Promise<OpenedTargetDisk> {
    this.calls.push(`open:${diskKey}:${options.transport}${options.unbuffered ? ':unbuffered' : ''}`);
    // As the host and VDDK enforce it (the lab VDDK does the same from the simulator's state files).
    const state = this.stateOf(vm);
    if (state.powerState === 'poweredOn') throw new Error(`disk ${diskKey} is locked: its VM is powered on`);
    if (options.transport === 'san' && state.snapshots.length !== 1) throw new Error(`SAN write to disk ${diskKey} needs exactly the restore snapshot, the VM has ${state.snapshots.length}`);
    const image = await openDiskImage(this.diskPath(vm.moref, diskKey));
    const countWrite = () => this.failWriteN > 0 && ++this.writes === this.failWriteN;
    const altersSignature = () => this.hotaddChangesSignature;
    const wrapped: DiskImage = {
      get capacity() {
        return image.capacity;
      },
      readOnly: false,
      extents: (o, l) => image.extents(o, l),
      read: (o, l) => image.read(o, l),
      async write(offset, data) {
        if (countWrite()) throw new Error(`injected write fault at byte ${offset}`);
        let out = data;
        if (offset === 0 && options.transport === 'hotadd' && altersSignature()) {
          out = Buffer.from(data);
          out.writeUInt32LE((out.readUInt32LE(440) ^ 0xdeadbeef) >>> 0, 440);
        }
        return image.write(offset, out);
      },
      flush: () => image.flush(),
      close: () => image.close(),
    };
    return { image: wrapped, transportMode: options.transport, readsZero: options.fresh, close: () => image.close() };
  }
  async uploadNvram(_vm: RestoreVm, data: Buffer) {
    this.nvram = data;
    this.calls.push('uploadNvram');
  }
  async powerOn(vm: RestoreVm) {
    this.calls.push(`powerOn:${vm.name}`);
  }
  private stateOf(vm: RestoreVm): VmDiskState {
    const found = this.state.get(vm.moref) ?? { powerState: 'poweredOff', snapshots: [] };
    this.state.set(vm.moref, found);
    return found;
  }
  async diskState(vm: RestoreVm) {
    const s = this.stateOf(vm);
    return { powerState: s.powerState, snapshots: [...s.snapshots] };
  }
  async powerOff(vm: RestoreVm) {
    this.stateOf(vm).powerState = 'poweredOff';
    this.calls.push('powerOff');
  }
  async createRestoreSnapshot(vm: RestoreVm, name: string) {
    const ref = `snapshot-${this.calls.length}`;
    this.stateOf(vm).snapshots.push({ ref, name });
    this.calls.push(`createSnapshot:${name}`);
    return ref;
  }
  async revertAndRemoveSnapshot(vm: RestoreVm, ref: string) {
    const s = this.stateOf(vm);
    s.snapshots = s.snapshots.filter((x) => x.ref !== ref);
    this.calls.push(`revertAndRemoveSnapshot:${ref}`);
  }
  async cleanup() {
    this.calls.push('cleanup');
  }
  async close() {
    this.calls.push('close');
  }
}
