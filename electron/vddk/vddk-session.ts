import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepaliveFor } from './disk-keepalive';
import { NFC_TIMEOUT_DEFAULTS, writeVddkConfigFile } from './vddk-config-file';
import { VddkConnection, workerConnectSpec, type VddkConnectParams } from './vddk-connection';
import { mergeVddkCallSummaries, type VddkCallSummary } from './vddk-call-stats';
import { VddkWorkerProcess, type WorkerSpawnOptions } from './vddk-worker-process';

export interface VddkSessionOptions extends Omit<WorkerSpawnOptions, 'vddkDir'> {
  /** The VDDK distribution folder (discoverVddk().dir, or labVddkDir()). */
  vddkDir: string;
  /** Parent of the session folder (the config file); default os.tmpdir(). */
  tmpRoot?: string;
  /**
   * VDDK's tmpDirectory, kept across sessions (vddkTmpDirectory(home)): VDDK notes
   * HotAdd attachments there, and only a Cleanup with the same tmpDirectory finds
   * what a crashed session left. Default: the session folder (gone with the session).
   */
  tmpDirectory?: string;
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
  /** Calls made for this session in a fresh one (Cleanup after the worker died). */
  private readonly otherSessionCalls: VddkCallSummary[] = [];

  private constructor(
    private readonly options: VddkSessionOptions,
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
      if (options.tmpDirectory) mkdirSync(options.tmpDirectory, { recursive: true, mode: 0o700 });
      // NFC-TIMEOUTS
      const configFile = writeVddkConfigFile(sessionDir, {
        tmpDirectory: options.tmpDirectory ?? sessionDir,
        nfcTimeouts: options.nfcTimeouts,
        extra: options.extraConfig,
        appendText: options.extraConfigText,
      });
      worker = new VddkWorkerProcess({ ...options, vddkDir: options.vddkDir });
      const init = (await worker.call('init', [options.vddkDir, configFile])).value as VddkInitResult;
      const readTimeout =
        options.nfcTimeouts?.['vixDiskLib.nfc.ReadTimeoutMs'] ?? NFC_TIMEOUT_DEFAULTS['vixDiskLib.nfc.ReadTimeoutMs'];
      return new VddkSession(options, worker, sessionDir, configFile, init, keepaliveFor(readTimeout));
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

  /**
   * VDDK Cleanup (STEP-HOTADD-CLEANUP): what sessions that stopped uncleanly left in
   * the tmpDirectory (HotAdd attachments); call after disconnecting. It is for the
   * connection, not a VM: vmxSpec and the snapshot are never passed. When this
   * session's worker has died, it runs in a fresh session, never through the dead one.
   */
  async cleanup(params: VddkConnectParams): Promise<VddkCleanupResult> {
    if (!this.worker.running) {
      const result = await VddkSession.cleanupInFreshSession(this.options, params);
      this.otherSessionCalls.push(result.vddkCalls ?? {});
      return result;
    }
    return (await this.worker.call('cleanup', [workerConnectSpec(cleanupParams(params))])).value as VddkCleanupResult;
  }

  /** Cleanup in a session of its own (job start, --resume, after a worker death); same tmpDirectory. */
  static async cleanupInFreshSession(options: VddkSessionOptions, params: VddkConnectParams): Promise<VddkCleanupResult> {
    const fresh = await VddkSession.start(options);
    try {
      const result = (await fresh.worker.call('cleanup', [workerConnectSpec(cleanupParams(params))])).value as VddkCleanupResult;
      return { ...result, vddkCalls: fresh.callStats() };
    } finally {
      await fresh.close();
    }
  }

  /** Count, errors and total time of every VDDK call in this session, by function (for the job report). */
  callStats(): VddkCallSummary {
    return mergeVddkCallSummaries(this.worker.stats.summary(), ...this.otherSessionCalls);
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

export interface VddkCleanupResult {
  cleanedUp: number;
  remaining: number;
  /** The VDDK calls of the fresh session it ran in, if it had one of its own. */
  vddkCalls?: VddkCallSummary;
}

function cleanupParams(params: VddkConnectParams): VddkConnectParams {
  const { vmxSpec: _vm, snapshotRef: _snap, ...connection } = params;
  return connection;
}

function checkIdentity(identity: string): string {
  // VDDK limits the identity to 50 characters.
  if (!identity || identity.length > 50) throw new RangeError('the access identity must be 1 to 50 characters');
  return identity;
}
