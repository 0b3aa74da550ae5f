import { readFileSync } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { SecretStore } from '../keychain/secret-store';
import { labAuthority, type LabInfo } from './lab-info';
import { forgetConnectionPassword } from '../connections/connection-password';
import { keychainAccount } from '../connections/connection-profile';
import { ConnectionStore } from '../connections/connection-store';
import { LAB_CONNECTION_NAME, removeLabConnection, saveLabConnection } from './lab-connection';
import { labRootOf, markLabRoot, removeLabLeftovers } from './lab-leftovers';
import { labVddkConfig } from './lab-vddk-config';
import { labStatePaths, readLabState, removeLabState, writeLabState, type LabState } from './lab-state';
import { buildVcsim, type BuildVcsimOptions } from './vcsim-build';
import { startVcsim, type StartVcsimOptions } from './vcsim-process';

/** A background lab is already running; says where. */
export class LabAlreadyRunningError extends Error {
  constructor(readonly state: LabState) {
    super(`A lab is already running (pid ${state.pid}, ${state.url}).`);
    this.name = 'LabAlreadyRunningError';
  }
}

export interface BackgroundLabStart {
  state: LabState;
  /** Datastore folders of earlier labs of this Lifeboat folder whose simulator had died, removed now. */
  leftoversRemoved: string[];
  /** Only when the keychain could not take it: show it to the user once. */
  password?: string;
  keychainError?: string;
}

export type BackgroundStartOptions = Omit<StartVcsimOptions, 'binary' | 'detached' | 'build'> & {
  build?: BuildVcsimOptions;
};

/** The keychain account of a lab's password: the account of its saved connection "lab" (one per connection). */
export function labKeychainAccount(info: Pick<LabInfo, 'url' | 'username'>): string {
  return keychainAccount({ name: LAB_CONNECTION_NAME, user: info.username, server: labAuthority(info) });
}

function rootsOf(state: LabState): string[] {
  const root = labRootOf(state.datastores);
  return root ? [root] : [];
}

/** True when pid is alive and is the lab simulator (guards against a reused pid). */
export function isLabProcess(pid: number, binary: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return argv0 === binary;
  } catch {
    return false;
  }
}

/**
 * Starts the lab in the background for `lifeboat lab start`: the simulator
 * outlives this process, its stderr goes to <home>/lab/vcsim.log, the state
 * goes to state.json and the password to the OS keychain.
 */
export async function startBackgroundLab(
  home: string,
  secrets: SecretStore,
  options: BackgroundStartOptions = {},
): Promise<BackgroundLabStart> {
  const existing = await readLabState(home);
  if (existing && isLabProcess(existing.pid, existing.binary)) throw new LabAlreadyRunningError(existing);

  const leftoversRemoved = await removeLabLeftovers(home, isLabProcess, existing ? rootsOf(existing) : []);
  const binary = await buildVcsim(options.build);
  const logFile = labStatePaths.log(home);
  await mkdir(labStatePaths.dir(home), { recursive: true });
  const log = await open(logFile, 'a', 0o600);
  let lab;
  try {
    lab = await startVcsim({ ...options, binary, detached: { stderrFd: log.fd } });
  } finally {
    await log.close();
  }
  const { info } = lab;
  const account = labKeychainAccount(info);
  let keychainError: string | undefined;
  try {
    await secrets.set(account, info.password);
  } catch (err) {
    keychainError = err instanceof Error ? err.message : String(err);
  }
  const state: LabState = {
    pid: info.pid,
    mode: info.mode,
    url: info.url,
    username: info.username,
    thumbprintSha1: info.thumbprintSha1,
    thumbprintSha256: info.thumbprintSha256,
    datacenter: info.datacenter,
    datastores: info.datastores,
    hosts: info.hosts,
    vms: info.vms,
    bulkVms: info.bulkVms,
    siteVms: info.siteVms,
    keychainAccount: account,
    passwordSaved: keychainError === undefined,
    binary,
    logFile,
    vddkConfigFile: labStatePaths.vddkConfig(home),
    startedAt: new Date().toISOString(),
  };
  try {
    const root = labRootOf(info.datastores);
    if (root && !options.keep) await markLabRoot(home, root, info.pid, binary);
    await writeFile(state.vddkConfigFile, labVddkConfig(info), { mode: 0o600 });
    await writeLabState(home, state);
    // Saved with or without its password (CONN-NO-KEYCHAIN): without a keychain the password is given per session.
    await saveLabConnection(home, info);
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return keychainError === undefined
    ? { state, leftoversRemoved }
    : { state, leftoversRemoved, password: info.password, keychainError };
}

/** Asks the lab for its service content, checking it presents the certificate it announced. */
export function probeLab(url: string, thumbprintSha256: string, timeoutMs = 5000): Promise<{ ok: boolean; detail: string }> {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:vim25">' +
    '<soapenv:Body><RetrieveServiceContent><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent></soapenv:Body></soapenv:Envelope>';
  return new Promise((resolve) => {
    // The lab's own self-signed certificate: checked by thumbprint below, not by a CA.
    const req = request(
      url,
      { method: 'POST', rejectUnauthorized: false, timeout: timeoutMs, headers: { 'Content-Type': 'text/xml' } },
      (res) => {
        const seen = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        res.resume();
        res.on('end', () => {
          if (seen !== thumbprintSha256) resolve({ ok: false, detail: `the server at ${url} presents a different certificate` });
          else if (res.statusCode !== 200) resolve({ ok: false, detail: `the server answered HTTP ${res.statusCode}` });
          else resolve({ ok: true, detail: 'answers RetrieveServiceContent' });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, detail: err.message }));
    req.end(envelope);
  });
}

export interface LabStatus {
  running: boolean;
  /** Process alive and the URL answers with the saved certificate. */
  answering: boolean;
  detail: string;
  state?: LabState;
}

export async function backgroundLabStatus(home: string): Promise<LabStatus> {
  const state = await readLabState(home);
  if (!state) return { running: false, answering: false, detail: 'no lab has been started' };
  if (!isLabProcess(state.pid, state.binary)) {
    return { running: false, answering: false, detail: `the lab process ${state.pid} is gone`, state };
  }
  const probe = await probeLab(state.url, state.thumbprintSha256);
  return { running: true, answering: probe.ok, detail: probe.detail, state };
}

async function waitUntilGone(pid: number, binary: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isLabProcess(pid, binary)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isLabProcess(pid, binary);
}

export interface LabStopResult {
  stopped: boolean;
  detail: string;
  state?: LabState;
}

/** Sends SIGTERM (SIGKILL after 20 s), forgets the keychain entry and the state file. */
export async function stopBackgroundLab(home: string, secrets: SecretStore): Promise<LabStopResult> {
  const state = await readLabState(home);
  if (!state) return { stopped: false, detail: 'no lab has been started' };
  let detail = 'stopped';
  if (isLabProcess(state.pid, state.binary)) {
    process.kill(state.pid, 'SIGTERM');
    if (!(await waitUntilGone(state.pid, state.binary, 20_000))) {
      process.kill(state.pid, 'SIGKILL');
      await waitUntilGone(state.pid, state.binary, 5_000);
      detail = 'killed (it did not stop within 20 s; its folders may remain)';
    }
  } else {
    detail = 'was not running any more; state cleaned up';
  }
  await removeLabState(home);
  await removeLabConnection(home, state.url);
  // A simulator that died (or had to be killed) did not remove its folders.
  await removeLabLeftovers(home, isLabProcess, rootsOf(state));
  if (state.passwordSaved) {
    try {
      // Only the lab's own entry: a lab state from an earlier version names the shared user@host:port
      // account, which is deleted only when no other saved connection uses it.
      const lab = { name: LAB_CONNECTION_NAME, user: state.username, server: labAuthority(state) };
      const others = await new ConnectionStore(home).list();
      await forgetConnectionPassword(lab, others, secrets);
    } catch {
      // The keychain may be locked now; the entry is harmless and replaced on the next start.
    }
  }
  return { stopped: true, detail, state };
}
