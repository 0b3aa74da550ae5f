/** Options of the lab VDDK (native/labvddk), turned into `labvddk.*` config keys. */
export interface LabVddkOptions {
  /** Datastore name → local folder, e.g. { datastore1: '/home/me/.lifeboat-lab/ds1' }. */
  datastores?: Record<string, string>;
  /** Datastore name → the SAN LUN (NAA id) it lives on; SAN opens of its disks need that LUN visible. */
  datastoreLuns?: Record<string, string>;
  /** NAA ids of the LUNs the workstation "sees" (XPORT-SAN-NO-LUN); default none. */
  visibleLuns?: string[];
  /** Transport modes the lab offers, e.g. "san:hotadd:nbdssl:nbd" (default: all of file:san:hotadd:nbdssl:nbd). */
  transports?: string;
  /** "vcenter" (default) or "esxi": on a bare host PrepareForAccess/EndAccess fail as they do for real. */
  serverMode?: 'vcenter' | 'esxi';
  /** Thumbprint the lab expects; a different one fails Open like real VDDK does. */
  thumbprint?: string;
  /** Where the lab writes labvddk-access.log and labvddk-cleanup.log (default: tmpDirectory). */
  stateDir?: string;
  /** How ReadAsync/WriteAsync complete: inside the call, or from another thread. */
  asyncMode?: 'sync' | 'thread';
  /** STEP-WINDOWS-SIGNATURE: hotadd writes to sector 0 change the MBR disk signature. */
  hotaddChangesSignature?: boolean;
  fault?: {
    /** The Nth write since InitEx fails with errorCode. */
    failWriteN?: number;
    /** The Nth read since InitEx fails with errorCode. */
    failReadN?: number;
    /** Full 64-bit VixError to return (upper bits allowed). */
    errorCode?: bigint;
    /** Delay before every read and write. */
    delayMs?: number;
    /** After N reads/writes on a remote connection, it drops (VIX error 14011 from then on). */
    dropAfterN?: number;
  };
}

/** The config-file keys for the lab VDDK (pass as `extra` to the session's config). */
export function labVddkConfigKeys(options: LabVddkOptions): Record<string, string | number> {
  const keys: Record<string, string | number> = {};
  for (const [name, folder] of Object.entries(options.datastores ?? {})) {
    if (!/^[\w.-]+$/.test(name)) throw new RangeError(`lab datastore names are letters, digits, _ . -: ${name}`);
    keys[`labvddk.datastore.${name}`] = folder;
  }
  for (const [name, lun] of Object.entries(options.datastoreLuns ?? {})) keys[`labvddk.lun.${name}`] = lun;
  if (options.visibleLuns?.length) keys['labvddk.visibleLuns'] = options.visibleLuns.join(':');
  if (options.transports) keys['labvddk.transports'] = options.transports;
  if (options.serverMode) keys['labvddk.serverMode'] = options.serverMode;
  if (options.thumbprint) keys['labvddk.thumbprint'] = options.thumbprint;
  if (options.stateDir) keys['labvddk.stateDir'] = options.stateDir;
  if (options.asyncMode) keys['labvddk.asyncMode'] = options.asyncMode;
  if (options.hotaddChangesSignature) keys['labvddk.hotaddChangesSignature'] = 1;
  const f = options.fault ?? {};
  if (f.failWriteN) keys['labvddk.fault.failWriteN'] = f.failWriteN;
  if (f.failReadN) keys['labvddk.fault.failReadN'] = f.failReadN;
  if (f.errorCode !== undefined) keys['labvddk.fault.errorCode'] = `0x${f.errorCode.toString(16)}`;
  if (f.delayMs) keys['labvddk.fault.delayMs'] = f.delayMs;
  if (f.dropAfterN) keys['labvddk.fault.dropAfterN'] = f.dropAfterN;
  return keys;
}
