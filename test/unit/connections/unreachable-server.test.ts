import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../../electron/connections/connection-profile';
import { openConnection } from '../../../electron/connections/open-connection';
import type { SecretStore } from '../../../electron/keychain/secret-store';

/** A port on this machine where nothing listens (a real refused connection, not a fake error). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

const noSecrets: SecretStore = {
  backend: 'none',
  get: async () => 'pw',
  set: async () => undefined,
  delete: async () => false,
  accounts: async () => [],
};

describe('a server that cannot be reached', () => {
  it('says so once: no doubled "Cannot reach" or doubled remedy', async () => {
    const port = await closedPort();
    const profile: ConnectionProfile = {
      name: 'gone',
      url: `https://127.0.0.1:${port}/sdk`,
      server: `127.0.0.1:${port}`,
      user: 'root',
      thumbprintSha256: Array(32).fill('AB').join(':'),
      thumbprintSha1: Array(20).fill('AB').join(':'),
      trustedAt: '2026-01-01T00:00:00Z',
      addedAt: '2026-01-01T00:00:00Z',
    };
    const err = (await openConnection(profile, noSecrets).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^Cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(err.message.match(/Cannot reach/g)).toHaveLength(1);
    expect(err.message.match(/firewall/g)).toHaveLength(1);
  });
});
