import { VddkDisk, type VddkDiskInfo } from './vddk-disk';
import type { VddkWorkerProcess } from './vddk-worker-process';

/** How to reach a host (vCenter or ESXi); leave `server` out for local files. */
export interface VddkConnectParams {
  server?: string;
  /** SHA-1 thumbprint "AA:BB:..." of the host's certificate (mandatory for remote connections). */
  thumbprint?: string;
  userName?: string;
  /** Passed to the worker over its private pipe only; never logged, never in argv. */
  password?: string;
  /** A vim25 session cookie instead of a password. */
  cookie?: string;
  /** "moref=vm-42" of the VM whose disks are opened. */
  vmxSpec?: string;
  /** Snapshot moref (backups read from a snapshot). */
  snapshotRef?: string;
  /** Allowed transports in order, e.g. ["hotadd", "nbdssl"]; always pass them (VDDK 8 SAN probing can crash). */
  transports?: string[];
  readOnly?: boolean;
  port?: number;
}

export interface VddkOpenOptions {
  readOnly?: boolean;
  unbuffered?: boolean;
  singleLink?: boolean;
  /** Use ReadAsync/WriteAsync + Wait on the disk's thread (when the library has them). */
  asyncIo?: boolean;
  /** NFC-KEEPALIVE interval for this disk; 0 turns it off. */
  keepaliveMs?: number;
}

export const OpenFlag = { unbuffered: 1, singleLink: 2, readOnly: 4 } as const;

export const DiskType = { monolithicFlat: 2, vmfsFlat: 5, vmfsThin: 7 } as const;
export const AdapterType = { ide: 1, buslogic: 2, lsiLogic: 3 } as const;

export interface VddkCreateParams {
  capacityBytes: number;
  diskType?: number;
  adapterType?: number;
  hwVersion?: number;
}

/** Worker-side connection parameters (the addon's shape). */
export function workerConnectSpec(p: VddkConnectParams): Record<string, unknown> {
  return {
    server: p.server,
    thumbprint: p.thumbprint,
    userName: p.userName,
    password: p.password,
    cookie: p.cookie,
    vmxSpec: p.vmxSpec,
    snapshotRef: p.snapshotRef,
    transports: p.transports?.join(':'),
    readOnly: p.readOnly ?? false,
    port: p.port,
  };
}

/** One ConnectEx connection inside a session. */
export class VddkConnection {
  private open = true;
  private readonly disks = new Set<VddkDisk>();

  constructor(
    private readonly worker: VddkWorkerProcess,
    private readonly id: number,
    readonly params: Omit<VddkConnectParams, 'password' | 'cookie'>,
    /** NFC-KEEPALIVE interval for disks opened here unless the open says otherwise. */
    private readonly keepaliveMs: number,
  ) {}

  async openDisk(path: string, options: VddkOpenOptions = {}): Promise<VddkDisk> {
    if (!this.open) throw new Error('this VDDK connection is closed');
    const readOnly = Boolean(options.readOnly || this.params.readOnly);
    const flags =
      (readOnly ? OpenFlag.readOnly : 0) |
      (options.unbuffered ? OpenFlag.unbuffered : 0) |
      (options.singleLink ? OpenFlag.singleLink : 0);
    const opened = (await this.worker.call('open', [this.id, path, flags, options.asyncIo ?? false])).value as {
      handle: number;
      transportMode: string;
    };
    try {
      const info = (await this.worker.call('info', [opened.handle])).value as VddkDiskInfo;
      const disk = new VddkDisk(
        this.worker,
        opened.handle,
        path,
        opened.transportMode,
        info,
        readOnly,
        options.keepaliveMs ?? this.keepaliveMs,
        () => this.disks.delete(disk),
      );
      this.disks.add(disk);
      return disk;
    } catch (err) {
      await this.worker.call('close', [opened.handle]).catch(() => undefined);
      throw err;
    }
  }

  /** Creates a descriptor + flat disk. VDDK creates local disks only; remote disks come from a VM reconfigure. */
  async createDisk(path: string, params: VddkCreateParams): Promise<void> {
    if (this.params.server) {
      throw new Error(
        `VDDK creates only local disks; ${path} on ${this.params.server} must be added to its VM through vSphere (a reconfigure) instead.`,
      );
    }
    if (params.capacityBytes <= 0 || params.capacityBytes % 512 !== 0) {
      throw new RangeError(`disk capacity must be a positive multiple of 512 bytes, not ${params.capacityBytes}`);
    }
    await this.worker.call('create', [
      this.id,
      path,
      {
        diskType: params.diskType ?? DiskType.vmfsThin,
        adapterType: params.adapterType ?? AdapterType.lsiLogic,
        hwVersion: params.hwVersion ?? 14,
        capacitySectors: params.capacityBytes / 512,
      },
    ]);
  }

  /** Closes disks still open on this connection (VDDK wants them closed first), then disconnects. */
  async disconnect(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    for (const disk of [...this.disks]) await disk.close().catch(() => undefined);
    await this.worker.call('disconnect', [this.id]);
  }
}
