import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepaliveFor } from './disk-keepalive';
import { NFC_TIMEOUT_DEFAULTS, writeVddkConfigFile } from './vddk-config-file';
import { VddkConnection, workerConnectSpec, type VddkConnectParams } from './vddk-connection';
import { VddkWorkerProcess, type WorkerSpawnOptions } from './vddk-worker-process';

export interface VddkSessionOptions extends Omit<WorkerSpawnOptions, 'vddkDir'> {
  /** The VDDK distribution folder (discoverVddk().dir, or labVddkDir()). */
  vddkDir: string;
  /** Parent of the session folder (config file and VDDK's tmpDirectory); default os.tmpdir(). */
  tmpRoot?: string;
  /** NFC-TIMEOUTS overrides (user settings), by full key name. */
  nfcTimeouts?: Partial<Record<string, number>>;
  /** More config keys: log levels, or the lab VDDK's `labvddk.*` keys (labVddkConfigKeys()). */
  extraConfig?: Record<string, string | number | boolean>;
  /** `key = value` text appended as is (later lines win), e.g. the running lab's labvddk.conf. */
  extraConfigText?: string;
}

export interface VddkInitResult {
  majorVersion: number;
  libraryPath: string;
  /** VDDK's own libraries the addon loaded by absolute path from the library's folder before it. */
  bundledLibraries: string[];
  /** Optional functions this VDDK has (QueryAllocatedBlocks, Flush, ...). */
  optionalFunctions: string[];
}

/**
 * One VDDK session: a worker process with VDDK loaded (InitEx done) and its
 * own config file. Everything VDDK does for a job goes through one session.
 */
export class VddkSession {
  private readonly connections = new Set<VddkConnection>();
  private closed = false;

  private constructor(
    readonly worker: VddkWorkerProcess,
    readonly sessionDir: string,
    readonly configFile: string,
    readonly library: VddkInitResult,
    /** NFC-KEEPALIVE: idle disks read sector 0 this often, well inside the NFC read timeout. */
    readonly keepaliveMs: number,
  ) {}

  static async start(options: VddkSessionOptions): Promise<VddkSession> {
    const sessionDir = mkdtempSync(join(options.tmpRoot ?? tmpdir(), 'lifeboat-vddk-'));
    let worker: VddkWorkerProcess | undefined;
    try {
      // NFC-TIMEOUTS
      const configFile = writeVddkConfigFile(sessionDir, {
        tmpDirectory: sessionDir,
        nfcTimeouts: options.nfcTimeouts,
        extra: options.extraConfig,
        appendText: options.extraConfigText,
      });
      worker = new VddkWorkerProcess({ ...options, vddkDir: options.vddkDir });
      const init = (await worker.call('init', [options.vddkDir, configFile])).value as VddkInitResult;
      const readTimeout =
        options.nfcTimeouts?.['vixDiskLib.nfc.ReadTimeoutMs'] ?? NFC_TIMEOUT_DEFAULTS['vixDiskLib.nfc.ReadTimeoutMs'];
      return new VddkSession(worker, sessionDir, configFile, init, keepaliveFor(readTimeout));
    } catch (err) {
      await worker?.stop().catch(() => undefined);
      rmSync(sessionDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Transport modes this VDDK offers, e.g. ["file", "san", "hotadd", "nbdssl", "nbd"]. */
  async transportModes(): Promise<string[]> {
    const modes = (await this.worker.call('listTransportModes', [])).value as string;
    return modes ? modes.split(':').filter(Boolean) : [];
  }

  async connect(params: VddkConnectParams): Promise<VddkConnection> {
    const id = (await this.worker.call('connect', [workerConnectSpec(params)])).value as number;
    const { password: _p, cookie: _c, ...safe } = params;
    const connection = new VddkConnection(this.worker, id, safe, this.keepaliveMs);
    this.connections.add(connection);
    return connection;
  }

  /** Stops Storage vMotion of the VM while Lifeboat works on it (vCenter only); pair with endAccess. */
  async prepareForAccess(params: VddkConnectParams, identity: string): Promise<void> {
    await this.worker.call('prepareForAccess', [workerConnectSpec(params), checkIdentity(identity)]);
  }

  async endAccess(params: VddkConnectParams, identity: string): Promise<void> {
    await this.worker.call('endAccess', [workerConnectSpec(params), checkIdentity(identity)]);
  }

  /** Cleans up after an unclean stop (HotAdd leftovers); call after disconnecting. */
  async cleanup(params: VddkConnectParams): Promise<{ cleanedUp: number; remaining: number }> {
    return (await this.worker.call('cleanup', [workerConnectSpec(params)])).value as { cleanedUp: number; remaining: number };
  }

  /** Round trip to the worker; resolves with the worker's clock (shows its event loop is free). */
  async ping(): Promise<number> {
    return (await this.worker.call('ping', [])).value as number;
  }

  /** Disconnects what is still connected, exits VDDK, stops the worker, removes the session folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.worker.running) {
        for (const c of this.connections) await c.disconnect().catch(() => undefined);
        await this.worker.call('exit', []).catch(() => undefined);
      }
    } finally {
      await this.worker.stop();
      rmSync(this.sessionDir, { recursive: true, force: true });
    }
  }
}

function checkIdentity(identity: string): string {
  // VDDK limits the identity to 50 characters.
  if (!identity || identity.length > 50) throw new RangeError('the access identity must be 1 to 50 characters');
  return identity;
}
