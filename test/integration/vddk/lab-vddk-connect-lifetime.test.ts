import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, labRemote, makeLabFolder, MiB, startLabSession, type LabFolder } from './lab-vddk-fixture';

/**
 * VDDK connects lazily: ConnectEx keeps the caller's ConnectParams pointer and
 * logs in at Open. The lab VDDK reads that struct again at every Open and fails
 * when it was freed or its password cleared, as real VDDK would.
 */
describe('connect parameters live until Disconnect', () => {
  let lab: LabFolder;
  let session: VddkSession;

  beforeAll(async () => {
    ensureNativeBuilt();
    lab = makeLabFolder();
    session = await startLabSession(lab, { transports: 'nbdssl:nbd' });
    const local = await session.connect({});
    await local.createDisk(join(lab.datastore, 'later.vmdk'), { capacityBytes: 4 * MiB });
    await local.disconnect();
  });
  afterAll(async () => {
    await session?.close();
    lab?.remove();
  });

  it('opens disks over a remote connection well after ConnectEx, twice, with the password still there', async () => {
    const conn = await session.connect({ ...labRemote, transports: ['nbdssl'] });
    await session.ping(); // the connect call has settled and its job is gone
    const first = await conn.openDisk('[ds1] later.vmdk', { readOnly: true, keepaliveMs: 0 });
    expect(first.transportMode).toBe('nbdssl');
    await first.close();
    const second = await conn.openDisk('[ds1] later.vmdk', { readOnly: true, keepaliveMs: 0 });
    expect((await second.read(0, 4096)).length).toBe(4096);
    await second.close();
    await conn.disconnect();
  });

  it('never asks VDDK to create a disk over a remote connection (VDDK creates local disks only)', async () => {
    const conn = await session.connect({ ...labRemote, transports: ['nbdssl'] });
    try {
      await expect(conn.createDisk('[ds1] remote.vmdk', { capacityBytes: MiB })).rejects.toThrow(/local/);
    } finally {
      await conn.disconnect();
    }
  });
});
