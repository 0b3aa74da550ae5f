import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../../../electron/api/contract';
import { createEngine, type LifeboatEngine } from '../../../electron/engine/lifeboat-engine';
import { KeychainUnavailableError, type SecretStore } from '../../../electron/keychain/secret-store';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';

/**
 * The keychain library as it behaves on Linux with no Secret Service (seen with
 * @napi-rs/keyring and a D-Bus address that leads nowhere): reads answer
 * "nothing saved", writes and listings fail. OsKeychain turns those failures
 * into KeychainUnavailableError; this store does the same.
 */
class NoSecretService implements SecretStore {
  readonly backend = 'Secret Service';
  async get(): Promise<string | null> {
    return null;
  }
  async set(): Promise<void> {
    throw new KeychainUnavailableError(new Error("Couldn't access platform storage: AccessDenied"));
  }
  async delete(): Promise<boolean> {
    throw new KeychainUnavailableError(new Error("Couldn't access platform storage: AccessDenied"));
  }
  async accounts(): Promise<string[]> {
    throw new KeychainUnavailableError(new Error('zbus error: Failed to connect to address: No such file or directory (os error 2)'));
  }
}

function error(r: CallResult): { code?: string; message: string; hint?: string; connection?: string } {
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

/** The engine/API side of the UI's password prompt: a connection used without saving its password. */
describe('connections without a keychain (engine API, lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let engine: LifeboatEngine;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-no-keychain-api-'));
    lab = await startVcsim({ mode: 'vcenter' });
    engine = createEngine({ frontDoor: 'browser', home: join(dir, 'home'), secretStore: new NoSecretService() });
  }, 240_000);

  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const add = (extra: Record<string, unknown> = {}) =>
    engine.dispatcher.call('connections.add', { url: lab.info.url, user: lab.info.username, password: lab.info.password, name: 'lab', trustSha256: lab.info.thumbprintSha256, ...extra });

  it('adding with "remember" shows the keychain failure (never silent) and saves nothing', async () => {
    const r = error(await add());
    expect(r.code).toBe('keychain-unavailable');
    expect(r.hint).toMatch(/--no-save|for each session/);
    const list = await engine.dispatcher.call('connections.list', {});
    expect(list.ok && list.value).toEqual([]);
  });

  it('adds without saving the password, and uses it for this session', async () => {
    const added = await add({ savePassword: false });
    expect(added.ok && added.value).toMatchObject({ name: 'lab', hasSavedPassword: false });
    const vms = await engine.dispatcher.call('inventory.vms', { connection: 'lab' });
    expect(vms.ok, JSON.stringify(vms)).toBe(true);
  });

  it('a fresh session has no password until the prompt gives one (connections.usePassword); the renderer never gets it back', async () => {
    const fresh = createEngine({ frontDoor: 'browser', home: join(dir, 'home'), secretStore: new NoSecretService() });
    const before = error(await fresh.dispatcher.call('inventory.vms', { connection: 'lab' }));
    expect(before.code).toBe('missing-credential');
    expect(before.message).toMatch(/OS keychain is not available/);
    // Named in the error, so a UI can ask for the right password whatever the call carried.
    expect(before.connection).toBe('lab');
    expect(error(await fresh.dispatcher.call('connections.usePassword', { name: 'nope', password: 'x' })).code).toBe('connection-not-found');
    const given = await fresh.dispatcher.call('connections.usePassword', { name: 'lab', password: lab.info.password });
    expect(given).toEqual({ ok: true, value: { ok: true } });
    const after = await fresh.dispatcher.call('inventory.vms', { connection: 'lab' });
    expect(after.ok).toBe(true);
    // The restore wizard's pickers and its live name check log in with the session password too.
    const targets = await fresh.dispatcher.call('inventory.restoreTargets', { connection: 'lab' });
    expect(targets.ok, JSON.stringify(targets)).toBe(true);
    const nameCheck = await fresh.dispatcher.call('inventory.vmNameInUse', { connection: 'lab', name: 'not-there' });
    expect(nameCheck.ok, JSON.stringify(nameCheck)).toBe(true);
    expect(JSON.stringify(after)).not.toContain(lab.info.password);
    const removed = await fresh.dispatcher.call('connections.remove', { name: 'lab' });
    expect(removed).toEqual({ ok: true, value: { passwordRemoved: false } });
  });
});
