import { VddkSession } from '../vddk/vddk-session';
import type { VddkConnectParams, VddkConnection } from '../vddk/vddk-connection';
import { allChangedDiskAreas, snapshotDisks } from '../vsphere/changed-disk-areas';
import { listVms } from '../vsphere/inventory';
import type { VimSession } from '../vsphere/vim-session';
import { asString, type MoRef } from '../vsphere/vim-types';
import { fetchVmConfigInfo, type SavedVmConfig } from '../vsphere/vm-config-info';
import { createSnapshot, removeSnapshot, setChangeTracking } from '../vsphere/vm-operations';
import { diskMetaFromConfig, pointMetaFromConfig } from './backup-manifest';
import { BackupFailedError } from './backup-result';
import {
  isIndependent,
  type BackupSource,
  type OpenedSourceDisk,
  type SnapshotDiskRef,
  type SourceSnapshot,
  type SourceVm,
  type SourceVmExtras,
} from './backup-source-port';
import { vmDatacenterPath, vmDatastoreTypes, vmNvram, vmStoragePolicy } from './source-vm-facts';
import { backupSnapshotDescription, removeStaleBackupSnapshots } from './stale-backup-snapshots';

/** VDDK's PrepareForAccess/EndAccess identity (at most 50 characters). */
const ACCESS_IDENTITY = 'Lifeboat backup';

/** How the source reaches VDDK and logs it in. */
export interface VsphereBackupSourceOptions {
  /** VDDK: its folder plus extra config (the lab's labvddk.conf, fault keys, log levels); absent when only planning. */
  vddk?: {
    dir: string;
    extraConfigText?: string;
    extraConfig?: Record<string, string | number | boolean>;
    tmpRoot?: string;
    /** The persistent VDDK tmpDirectory (vddkTmpDirectory(home)), so Cleanup finds what a crashed job left. */
    tmpDirectory?: string;
  };
  /** VDDK logs in on its own; the password goes to the worker over its private pipe only. */
  credentials: { userName: string; password: () => Promise<string> };
  /** SHA-1 thumbprint of the server's certificate, as VDDK's connect parameters carry it. */
  thumbprintSha1: string;
  /** Allowed transports in order (default nbdssl). */
  transports?: string[];
}

const vmRef = (moref: string): MoRef => ({ type: 'VirtualMachine', value: moref });
const snapshotRef = (ref: string): MoRef => ({ type: 'VirtualMachineSnapshot', value: ref });

/**
 * The vSphere + VDDK adapter of the BackupSource port: vim25 for the VM's
 * configuration, change tracking and snapshots, VDDK (one session per backup)
 * for Cleanup, PrepareForAccess/EndAccess and the disk reads.
 */
export class VsphereBackupSource implements BackupSource {
  private vddk: VddkSession | undefined;
  private connection: VddkConnection | undefined;
  private params: VddkConnectParams | undefined;
  private datacenter: string | undefined;
  private datastoreTypes = new Map<string, string>();
  private readonly configs = new Map<string, SavedVmConfig>();

  constructor(
    private readonly session: VimSession,
    private readonly options: VsphereBackupSourceOptions,
  ) {}

  get server(): string {
    return this.session.server;
  }
  get supportsPrepareForAccess(): boolean {
    return !this.session.isHostAgent;
  }
  get kind(): 'vcenter' | 'esxi' {
    return this.session.isHostAgent ? 'esxi' : 'vcenter';
  }

  async findVm(name: string): Promise<string> {
    const matches = (await listVms(this.session)).filter((v) => v.name === name && !v.template);
    if (matches.length === 0) throw new BackupFailedError(`No virtual machine named "${name}" on ${this.session.server}.`, []);
    if (matches.length > 1)
      throw new BackupFailedError(
        `${matches.length} virtual machines are named "${name}" on ${this.session.server}; rename one.`,
        [],
      );
    return matches[0]!.ref.value;
  }

  async readVm(moref: string): Promise<SourceVm> {
    const vm = vmRef(moref);
    const { raw, config } = await fetchVmConfigInfo(this.session, vm);
    this.configs.set(moref, config);
    this.datacenter = await vmDatacenterPath(this.session, vm);
    this.datastoreTypes = await vmDatastoreTypes(this.session, vm);
    const server = this.session.server;
    const datastoreTypes = this.datastoreTypes;
    return {
      moref,
      name: config.name,
      instanceUuid: asString(raw.instanceUuid) ?? config.uuid ?? '',
      changeTrackingEnabled: config.changeTrackingEnabled,
      encrypted: Boolean(config.keyId),
      hasVtpm: config.hasVtpm,
      disks: config.disks.map((d) => ({
        key: d.key,
        label: d.label,
        capacityBytes: d.capacityBytes,
        diskMode: d.diskMode,
        fileName: d.fileName,
        encrypted: d.encrypted,
      })),
      pointMeta: ({ kind, parentPointId, storagePolicy }) =>
        pointMetaFromConfig({ raw, config, vm, server, storagePolicy, kind, parentPointId }),
      diskMeta: (key, changeId) => {
        const disk = config.disks.find((d) => d.key === key);
        if (!disk) throw new Error(`${config.name} has no disk with key ${key}`);
        return diskMetaFromConfig(disk, config, datastoreTypes, changeId);
      },
    };
  }

  async readExtras(vm: SourceVm): Promise<SourceVmExtras> {
    const ref = vmRef(vm.moref);
    const backupKeys = vm.disks.filter((d) => !isIndependent(d)).map((d) => d.key);
    const policy = await vmStoragePolicy(this.session, ref, backupKeys);
    const config = this.configs.get(vm.moref) ?? (await fetchVmConfigInfo(this.session, ref)).config;
    const nvram = await vmNvram(this.session, this.datacenter ?? (await vmDatacenterPath(this.session, ref)), config);
    return { policy: policy.policy, ...(policy.note ? { policyNote: policy.note } : {}), nvram };
  }

  async enableChangeTracking(vm: SourceVm, signal?: AbortSignal): Promise<void> {
    await setChangeTracking(this.session, vmRef(vm.moref), true, { signal });
  }

  removeStaleSnapshots(vm: SourceVm, signal?: AbortSignal): Promise<string[]> {
    return removeStaleBackupSnapshots(this.session, vmRef(vm.moref), signal);
  }

  async startReader(vm: SourceVm): Promise<void> {
    const o = this.options;
    if (!o.vddk) throw new Error('no VDDK was given to read the disks with');
    this.vddk = await VddkSession.start({
      vddkDir: o.vddk.dir,
      extraConfigText: o.vddk.extraConfigText,
      extraConfig: o.vddk.extraConfig,
      tmpRoot: o.vddk.tmpRoot,
      tmpDirectory: o.vddk.tmpDirectory,
    });
    this.params = {
      server: this.session.address.host,
      port: this.session.address.port,
      thumbprint: o.thumbprintSha1,
      userName: o.credentials.userName,
      password: await o.credentials.password(),
      vmxSpec: `moref=${vm.moref}`,
      transports: o.transports ?? ['nbdssl'],
      readOnly: true,
    };
  }

  async prepareForAccess(): Promise<void> {
    await this.reader().prepareForAccess(this.connectParams(), ACCESS_IDENTITY);
  }

  async createSnapshot(vm: SourceVm, name: string, options: { quiesce: boolean; signal?: AbortSignal }): Promise<SourceSnapshot> {
    const ref = await createSnapshot(this.session, vmRef(vm.moref), name, {
      description: backupSnapshotDescription(),
      memory: false,
      quiesce: options.quiesce,
      signal: options.signal,
    });
    const disks = await snapshotDisks(this.session, ref);
    return {
      ref: ref.value,
      disks: disks.map((d) => ({
        key: d.key,
        fileName: d.fileName,
        capacityBytes: d.capacityBytes,
        changeId: d.changeId ?? null,
      })),
    };
  }

  async connect(snapshot: SourceSnapshot): Promise<void> {
    this.params = { ...this.connectParams(), snapshotRef: snapshot.ref };
    this.connection = await this.reader().connect(this.params);
  }

  async openDisk(disk: SnapshotDiskRef, options: { keepaliveMs?: number }): Promise<OpenedSourceDisk> {
    if (!this.connection) throw new Error('the reader is not connected to the snapshot');
    return this.connection.openDisk(disk.fileName, { readOnly: true, keepaliveMs: options.keepaliveMs });
  }

  async changedAreas(vm: SourceVm, snapshot: SourceSnapshot, disk: SnapshotDiskRef, sinceChangeId: string) {
    const areas = await allChangedDiskAreas(this.session, vmRef(vm.moref), snapshotRef(snapshot.ref), disk, sinceChangeId);
    return areas.map((a) => ({ offset: a.start, length: a.length }));
  }

  async disconnect(): Promise<void> {
    await this.connection?.disconnect();
  }

  async cleanup(): Promise<number> {
    return (await this.reader().cleanup(this.connectParams())).cleanedUp;
  }

  async removeSnapshot(snapshot: SourceSnapshot): Promise<void> {
    await removeSnapshot(this.session, snapshotRef(snapshot.ref));
  }

  async endAccess(): Promise<void> {
    await this.reader().endAccess(this.connectParams(), ACCESS_IDENTITY);
  }

  async closeReader(): Promise<void> {
    await this.vddk?.close();
  }

  readerCalls() {
    return this.vddk ? this.vddk.callStats() : {};
  }

  private reader(): VddkSession {
    if (!this.vddk) throw new Error('the VDDK session was not started');
    return this.vddk;
  }

  private connectParams(): VddkConnectParams {
    if (!this.params) throw new Error('the VDDK session was not started');
    return this.params;
  }
}
