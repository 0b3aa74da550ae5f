import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { createEngine } from '../../../electron/engine/lifeboat-engine';
import { MemorySecretStore } from '../../support/memory-secret-store';

const SHA256 = Array.from({ length: 32 }, () => 'AB').join(':');
const SHA1 = Array.from({ length: 20 }, () => 'CD').join(':');

describe('connections.list over the API', () => {
  let home = '';
  afterEach(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('tells the renderer that a password is saved, never the password', async () => {
    home = await mkdtemp(join(tmpdir(), 'lifeboat-conn-'));
    const store = new ConnectionStore(home);
    const base = { thumbprintSha256: SHA256, thumbprintSha1: SHA1, trustedAt: 'now', addedAt: 'now' };
    await store.save({ name: 'vc', url: 'https://vc.example/sdk', server: 'vc.example', user: 'admin', apiType: 'VirtualCenter', ...base });
    await store.save({ name: 'esx', url: 'https://esx.example/sdk', server: 'esx.example', user: 'root', apiType: 'HostAgent', ...base });
    const secrets = new MemorySecretStore();
    await secrets.set('admin@vc.example', 'S3cret-password!');
    const engine = createEngine({ frontDoor: 'browser', home, secretStore: secrets });
    const result = await engine.dispatcher.call('connections.list', {});
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain('S3cret-password!');
    if (result.ok) {
      expect(result.value).toEqual([
        { name: 'esx', url: 'https://esx.example/sdk', user: 'root', kind: 'esxi', hasSavedPassword: false, thumbprintSha256: SHA256 },
        { name: 'vc', url: 'https://vc.example/sdk', user: 'admin', kind: 'vcenter', hasSavedPassword: true, thumbprintSha256: SHA256 },
      ]);
    }
  });
});
