import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VddkCallTrace } from '../../../electron/vddk/vddk-call-stats';
import type { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, labRemote, makeLabFolder, MiB, startLabSession, type LabFolder } from './lab-vddk-fixture';

describe('every VDDK call traced and counted', () => {
  let lab: LabFolder;
  let session: VddkSession;
  const traces: VddkCallTrace[] = [];

  beforeAll(async () => {
    ensureNativeBuilt();
    lab = makeLabFolder();
    session = await startLabSession(lab, { transports: 'nbdssl' }, { onTrace: (t) => traces.push(t) });
  });
  afterAll(async () => {
    await session?.close();
    lab?.remove();
  });

  it('traces name, arguments without secrets, duration and result, and counts per function', async () => {
    const local = await session.connect({});
    await local.createDisk(join(lab.datastore, 't.vmdk'), { capacityBytes: 4 * MiB });
    await local.disconnect();
    const conn = await session.connect({ ...labRemote, cookie: undefined, transports: ['nbdssl'] });
    const disk = await conn.openDisk('[ds1] t.vmdk', { keepaliveMs: 0 });
    await disk.write(0, Buffer.alloc(MiB, 1));
    await disk.read(0, 3 * MiB); // two pieces of 2 MiB at most over NBDSSL
    await disk.allocatedBlocks();
    await expect(conn.openDisk('[ds1] missing.vmdk', { keepaliveMs: 0 })).rejects.toThrow(/not found/);
    await disk.close();
    await conn.disconnect();

    const connect = traces.find((t) => t.fn === 'ConnectEx' && /vcsim\.lab/.test(t.args))!;
    expect(connect.args).toContain('password=***');
    expect(connect.result).toBe('ok');
    expect(traces.map((t) => t.args).join('\n')).not.toContain(labRemote.password);
    const write = traces.find((t) => t.fn === 'Write')!;
    expect(write.args).toMatch(/<1048576 bytes>$/);
    expect(traces.every((t) => t.durationMs >= 0)).toBe(true);
    const failedOpen = traces.find((t) => t.fn === 'Open' && /missing/.test(t.args))!;
    expect(failedOpen.result).toMatch(/VIX|not found/i);

    const stats = session.callStats();
    expect(stats.InitEx).toMatchObject({ calls: 1, errors: 0 });
    expect(stats.ConnectEx?.calls).toBe(2);
    expect(stats.Open).toMatchObject({ calls: 2, errors: 1 });
    expect(stats.Read?.calls).toBe(2);
    expect(stats.Write?.calls).toBe(1);
    expect(stats.QueryAllocatedBlocks?.calls).toBe(1);
    expect(stats.Create?.calls).toBe(1);
    expect(stats.Read!.totalMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(stats)).not.toContain('ping');
  });
});
