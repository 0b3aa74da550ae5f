import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, labRemote, makeLabFolder, MiB, startLabSession, type LabFolder } from './lab-vddk-fixture';

/** A host's stream file as the lab VDDK keeps it: the peak, and the disks open for writing now. */
function hostStreams(dir: string, host: string): { peak: number; current: number } {
  const text = readFileSync(join(dir, `${host}.streams`), 'utf8');
  return { peak: Number(/^peak (\d+)$/m.exec(text)?.[1]), current: text.split('\n').filter((l) => l.startsWith('open ')).length };
}

/**
 * The lab VDDK counts, per ESXi host, the disks open for writing at once,
 * across processes (each VDDK session is a worker process), so recovery tests
 * can assert "no host ever above its cap" from the lab VDDK itself. The host of
 * a VM comes from the map the lab simulator keeps in each datastore's root.
 */
describe('lab VDDK: disks open for writing per host, across processes', () => {
  let lab: LabFolder | undefined;
  const sessions: VddkSession[] = [];
  beforeAll(() => ensureNativeBuilt());
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close().catch(() => undefined);
    lab?.remove();
  });

  it('counts writers per host (current and peak), not readers, and forgets those of a killed process', async () => {
    lab = makeLabFolder();
    const streams = join(lab.root, 'host-streams');
    writeFileSync(join(lab.datastore, '.lab-vm-hosts'), '# map\nvm-42 esx-a\nvm-43 esx-b\n');
    const extra = { transports: 'nbdssl' as const };
    const start = async () => {
      const s = await startLabSession(lab!, extra, {
        extraConfig: {
          'labvddk.datastore.ds1': lab!.datastore,
          'labvddk.stateDir': lab!.state,
          'labvddk.transports': 'nbdssl',
          'labvddk.hostStreamsDir': streams,
        },
      });
      sessions.push(s);
      return s;
    };
    const a = await start();
    const local = await a.connect({});
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'r'])
      await local.createDisk(join(lab.datastore, `${name}.vmdk`), { capacityBytes: MiB });
    await local.disconnect();
    const vm42 = await a.connect({ ...labRemote, transports: ['nbdssl'] });
    const vm43 = await a.connect({ ...labRemote, vmxSpec: 'moref=vm-43', transports: ['nbdssl'] });
    const diskA = await vm42.openDisk('[ds1] a.vmdk', { keepaliveMs: 0 });
    const diskB = await vm42.openDisk('[ds1] b.vmdk', { keepaliveMs: 0 });
    await vm43.openDisk('[ds1] c.vmdk', { keepaliveMs: 0 });
    const reader = await vm42.openDisk('[ds1] r.vmdk', { readOnly: true, keepaliveMs: 0 });
    expect(hostStreams(streams, 'esx-a')).toEqual({ peak: 2, current: 2 });
    expect(hostStreams(streams, 'esx-b')).toEqual({ peak: 1, current: 1 });
    await diskA.close();
    await reader.close();
    expect(hostStreams(streams, 'esx-a')).toEqual({ peak: 2, current: 1 });

    // Another process (its own VDDK worker) writes through the same host: one count.
    const b = await start();
    const other = await b.connect({ ...labRemote, transports: ['nbdssl'] });
    await other.openDisk('[ds1] d.vmdk', { keepaliveMs: 0 });
    await other.openDisk('[ds1] e.vmdk', { keepaliveMs: 0 });
    expect(hostStreams(streams, 'esx-a')).toEqual({ peak: 3, current: 3 });

    // A killed process holds nothing on the host any more (its NFC sessions die with it).
    process.kill(b.worker.pid!, 'SIGKILL');
    await expect(b.ping()).rejects.toThrow();
    await vm42.openDisk('[ds1] f.vmdk', { keepaliveMs: 0 });
    expect(hostStreams(streams, 'esx-a')).toEqual({ peak: 3, current: 2 });

    // A VM the map does not know counts under unknown-host, never silently.
    const stray = await a.connect({ ...labRemote, vmxSpec: 'moref=vm-99', transports: ['nbdssl'] });
    await stray.openDisk('[ds1] g.vmdk', { keepaliveMs: 0 });
    expect(hostStreams(streams, 'unknown-host')).toEqual({ peak: 1, current: 1 });
    await diskB.close();
  });
});
