import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productInfo } from '../../../electron/config/product';
import { labVddkConfigKeys, type LabVddkOptions } from '../../../electron/vddk/lab-vddk-config';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VddkSession, type VddkSessionOptions } from '../../../electron/vddk/vddk-session';
import { configureVddkWorkerLauncher } from '../../../electron/vddk/vddk-worker-process';

/**
 * Under `npm run test:native-sanitize` (native/sanitize.mjs): the ASan/UBSan runtime
 * to preload into every process that loads the sanitized addon or lab VDDK. Only
 * those processes get it (the test runner itself does not run under ASan).
 */
export function sanitizerEnv(): Record<string, string> {
  const preload = process.env.LIFEBOAT_TEST_WORKER_PRELOAD;
  return preload ? { LD_PRELOAD: preload } : {};
}
if (process.env.LIFEBOAT_TEST_WORKER_PRELOAD) {
  const preload = process.env.LIFEBOAT_TEST_WORKER_PRELOAD;
  configureVddkWorkerLauncher({ executable: '/usr/bin/env', args: (script, addon) => [`LD_PRELOAD=${preload}`, process.execPath, script, addon] });
}

/** Builds the addon, lab VDDK and worker bundle if their sources changed (a no-op when up to date). */
export function ensureNativeBuilt(): void {
  const r = spawnSync(process.execPath, [join(productInfo().root, 'native', 'build.mjs'), '--quiet'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`native build failed:\n${r.stderr}`);
}

/** A temp folder holding one lab datastore ("ds1") and the lab's state files. */
export interface LabFolder {
  root: string;
  datastore: string;
  state: string;
  remove(): void;
}

export function makeLabFolder(): LabFolder {
  const root = mkdtempSync(join(tmpdir(), 'lifeboat-labvddk-test-'));
  const datastore = join(root, 'ds1');
  const state = join(root, 'state');
  mkdirSync(datastore);
  mkdirSync(state);
  return { root, datastore, state, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A session on the lab VDDK with datastore ds1 mapped to the folder. */
export function startLabSession(
  lab: LabFolder,
  options: Omit<LabVddkOptions, 'datastores' | 'stateDir'> = {},
  session: Partial<VddkSessionOptions> = {},
): Promise<VddkSession> {
  return VddkSession.start({
    vddkDir: labVddkDir(),
    tmpRoot: lab.root,
    extraConfig: labVddkConfigKeys({ datastores: { ds1: lab.datastore }, stateDir: lab.state, ...options }),
    ...session,
  });
}

/** The remote connection parameters the lab accepts (no real host behind them). */
export const labRemote = {
  server: 'vcsim.lab',
  thumbprint: 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01',
  userName: 'lab@vsphere.local',
  password: 'not-a-real-secret',
  vmxSpec: 'moref=vm-42',
};

export const MiB = 1024 * 1024;
