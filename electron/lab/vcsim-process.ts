import { spawn, type ChildProcess } from 'node:child_process';
import { buildVcsim, type BuildVcsimOptions } from './vcsim-build';
import { labInfoSchema, type LabInfo, type LabMode } from './lab-info';

export interface StartVcsimOptions {
  mode?: LabMode;
  /** Hosts in the cluster (vcenter mode). */
  hosts?: number;
  /** Plain VMs besides the special ones (5000 is fine). */
  vms?: number;
  /** vcenter mode: add the site (30 named VMs on site-ds-01/02, 3 hosts unless `hosts` says more) for recovery rehearsals. */
  site?: boolean;
  /** Default 127.0.0.1:0 (a free port). */
  listen?: string;
  /** Folder under which the datastore folders are made (default: a new temp folder). */
  datastoreRoot?: string;
  /** Keep the datastore folders after stop. */
  keep?: boolean;
  /** esxi mode: the host reports a managementServerIp (CONN-HOST-MANAGED). */
  managed?: boolean;
  managementServerIp?: string;
  /** A built binary; default: buildVcsim(build). */
  binary?: string;
  build?: BuildVcsimOptions;
  /** How long to wait for the JSON line (default 120 s). */
  startTimeoutMs?: number;
  /** For `lifeboat lab start`: run on after this process exits, stderr to this fd. */
  detached?: { stderrFd: number };
}

export interface RunningLab {
  info: LabInfo;
  /** Sends SIGTERM and resolves once the simulator has exited (its folders removed). */
  stop(): Promise<void>;
}

export function vcsimArgs(o: StartVcsimOptions): string[] {
  const args = ['--mode', o.mode ?? 'vcenter', '--listen', o.listen ?? '127.0.0.1:0'];
  if (o.hosts !== undefined) args.push('--hosts', String(o.hosts));
  if (o.vms !== undefined) args.push('--vms', String(o.vms));
  if (o.site) args.push('--site');
  if (o.datastoreRoot) args.push('--datastore-root', o.datastoreRoot);
  if (o.keep) args.push('--keep');
  if (o.managed) args.push('--managed');
  if (o.managementServerIp) args.push('--management-server-ip', o.managementServerIp);
  return args;
}

/** Resolves when the process has exited, or after timeoutMs with false. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

function readInfoLine(child: ChildProcess, stderrTail: () => string, timeoutMs: number): Promise<LabInfo> {
  return new Promise((resolveInfo, reject) => {
    let buffered = '';
    const fail = (why: string) => {
      cleanup();
      const tail = stderrTail().trim();
      reject(new Error(`The lab simulator ${why}.${tail ? `\n${tail}` : ''}`));
    };
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      fail(`did not report ready within ${Math.round(timeoutMs / 1000)} s`);
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      cleanup();
      try {
        resolveInfo(labInfoSchema.parse(JSON.parse(buffered.slice(0, newline))));
      } catch (err) {
        child.kill('SIGTERM');
        reject(new Error(`The lab simulator printed an unexpected description: ${(err as Error).message}`));
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(`exited before it was ready (${signal ?? `exit code ${code}`})`);
    const onError = (err: Error) => fail(`could not be started (${err.message})`);
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/**
 * Starts the lab simulator (building it first if needed) and resolves with
 * its description once it listens. Without `detached`, the simulator is
 * stopped when this process exits.
 */
export async function startVcsim(options: StartVcsimOptions = {}): Promise<RunningLab> {
  const binary = options.binary ?? (await buildVcsim(options.build));
  const detached = options.detached;
  const args = vcsimArgs(options);
  if (!detached) args.push('--exit-with-parent');
  const child = spawn(binary, args, {
    stdio: ['ignore', 'pipe', detached ? detached.stderrFd : 'pipe'],
    detached: Boolean(detached),
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  });
  const killOnExit = () => child.kill('SIGTERM');
  if (!detached) process.once('exit', killOnExit);

  let info: LabInfo;
  try {
    info = await readInfoLine(child, () => tail, options.startTimeoutMs ?? 120_000);
  } catch (err) {
    process.off('exit', killOnExit);
    throw err;
  }
  if (detached) {
    child.stdout?.destroy();
    child.unref();
  }

  return {
    info,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 15_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    },
  };
}
