import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfigKeys } from '../../../electron/vddk/lab-vddk-config';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, labRemote, makeLabFolder, MiB, startLabSession, type LabFolder } from './lab-vddk-fixture';

/** Opens a disk over HotAdd in a new session and kills its worker with the disk still attached. */
async function crashWithHotAddDiskOpen(lab: LabFolder, tmpDirectory: string | undefined, name: string): Promise<VddkSession> {
  const session = await startLabSession(lab, { transports: 'hotadd:nbdssl' }, { tmpDirectory });
  const local = await session.connect({});
  await local.createDisk(join(lab.datastore, name), { capacityBytes: MiB });
  await local.disconnect();
  const conn = await session.connect({ ...labRemote, transports: ['hotadd'] });
  const disk = await conn.openDisk(`[ds1] ${name}`, { keepaliveMs: 0 });
  expect(disk.transportMode).toBe('hotadd');
  process.kill(session.worker.pid!, 'SIGKILL');
  await expect(session.ping()).rejects.toThrow(/did not complete: the VDDK worker process/);
  return session;
}

describe('STEP-HOTADD-CLEANUP after a crash', () => {
  let lab: LabFolder | undefined;
  const sessions: VddkSession[] = [];
  beforeAll(() => ensureNativeBuilt());
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close().catch(() => undefined);
    lab?.remove();
  });

  it('cleans up what a dead worker left attached, in a fresh session, never through the dead worker', async () => {
    lab = makeLabFolder();
    const tmp = join(lab.root, 'vddk-tmp');
    const crashed = await crashWithHotAddDiskOpen(lab, tmp, 'a.vmdk');
    sessions.push(crashed);
    // labRemote carries a vmxSpec: Cleanup must go without it (the lab refuses it otherwise).
    expect(await crashed.cleanup(labRemote)).toMatchObject({ cleanedUp: 1, remaining: 0 });
    // The fresh session's calls still count for the crashed session's report.
    expect(crashed.callStats().Cleanup).toMatchObject({ calls: 1, errors: 0 });
    expect(await VddkSession.cleanupInFreshSession(sessionOptions(lab, tmp), labRemote)).toMatchObject({
      cleanedUp: 0,
      remaining: 0,
    });
  });

  it('keeps one tmpDirectory across sessions: a Cleanup with another tmpDirectory cannot see the leftovers', async () => {
    lab = makeLabFolder();
    const tmp = join(lab.root, 'vddk-tmp');
    sessions.push(await crashWithHotAddDiskOpen(lab, tmp, 'b.vmdk'));
    expect(await VddkSession.cleanupInFreshSession(sessionOptions(lab, undefined), labRemote)).toMatchObject({
      cleanedUp: 0,
      remaining: 0,
    });
    expect(await VddkSession.cleanupInFreshSession(sessionOptions(lab, tmp), labRemote)).toMatchObject({
      cleanedUp: 1,
      remaining: 0,
    });
  });

  it('counts a disk still open in a live session as remaining, not cleaned', async () => {
    lab = makeLabFolder();
    const tmp = join(lab.root, 'vddk-tmp');
    const live = await startLabSession(lab, { transports: 'hotadd' }, { tmpDirectory: tmp });
    sessions.push(live);
    const local = await live.connect({});
    await local.createDisk(join(lab.datastore, 'c.vmdk'), { capacityBytes: MiB });
    await local.disconnect();
    const conn = await live.connect({ ...labRemote, transports: ['hotadd'] });
    const disk = await conn.openDisk('[ds1] c.vmdk', { keepaliveMs: 0 });
    expect(await VddkSession.cleanupInFreshSession(sessionOptions(lab, tmp), labRemote)).toMatchObject({
      cleanedUp: 0,
      remaining: 1,
    });
    await disk.close();
    await conn.disconnect();
    expect(await live.cleanup(labRemote)).toMatchObject({ cleanedUp: 0, remaining: 0 });
  });
});

function sessionOptions(lab: LabFolder, tmpDirectory: string | undefined) {
  return {
    vddkDir: labVddkDir(),
    tmpRoot: lab.root,
    tmpDirectory,
    extraConfig: labVddkConfigKeys({ datastores: { ds1: lab.datastore }, stateDir: lab.state, transports: 'hotadd:nbdssl' }),
  };
}
