import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, labRemote, makeLabFolder, MiB, startLabSession, type LabFolder } from './lab-vddk-fixture';

async function diskWithData(session: VddkSession, lab: LabFolder, name: string): Promise<void> {
  const local = await session.connect({});
  await local.createDisk(join(lab.datastore, name), { capacityBytes: 64 * MiB });
  const d = await local.openDisk(join(lab.datastore, name), { keepaliveMs: 0 });
  await d.write(8 * MiB, Buffer.alloc(MiB, 0xab));
  await d.close();
  await local.disconnect();
}

describe('QueryAllocatedBlocks on a real-host timescale', () => {
  let lab: LabFolder | undefined;
  let session: VddkSession | undefined;
  beforeAll(() => ensureNativeBuilt());
  afterEach(async () => {
    await session?.close();
    lab?.remove();
  });

  it('runs on the disk’s own thread with the keepalive held off, so no two calls ever meet on the handle', async () => {
    lab = makeLabFolder();
    const log: string[] = [];
    // 64 MiB at 8 s/GiB: the query holds the handle for about half a second, many keepalive intervals.
    session = await startLabSession(lab, { transports: 'nbdssl', queryAllocatedMsPerGiB: 8000 }, { onLog: (l) => log.push(l) });
    await diskWithData(session, lab, 'q.vmdk');
    const conn = await session.connect({ ...labRemote, transports: ['nbdssl'] });
    const disk = await conn.openDisk('[ds1] q.vmdk', { readOnly: true, keepaliveMs: 20 });
    const blocks = await disk.allocatedBlocks();
    expect(blocks).toEqual([[(8 * MiB) / 512, MiB / 512]]);
    expect(disk.allocationUnknown).toBeUndefined();
    expect(log.filter((l) => /concurrent calls/.test(l))).toEqual([]);
    await disk.close();
    await conn.disconnect();
  });

  it('DATA-ALLOCATION-UNKNOWN: a failing query is not fatal; the disk counts as wholly allocated and says why', async () => {
    lab = makeLabFolder();
    session = await startLabSession(lab, { transports: 'nbdssl', fault: { failQueryAllocated: true } });
    await diskWithData(session, lab, 'u.vmdk');
    const conn = await session.connect({ ...labRemote, transports: ['nbdssl'] });
    const disk = await conn.openDisk('[ds1] u.vmdk', { readOnly: true, keepaliveMs: 0 });
    expect(await disk.allocatedBlocks()).toEqual([[0, (64 * MiB) / 512]]);
    expect(await disk.extents()).toEqual([{ offset: 0, length: 64 * MiB, kind: 'data' }]);
    expect(disk.allocationUnknown).toMatch(/VIX error 6/);
    await disk.close();
    await conn.disconnect();
  });
});
