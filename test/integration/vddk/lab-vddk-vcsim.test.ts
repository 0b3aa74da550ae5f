import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, MiB } from './lab-vddk-fixture';

/** Descriptor files (not extents or change logs) under a folder. */
function descriptors(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return descriptors(p);
    return name.endsWith('.vmdk') && !name.endsWith('-flat.vmdk') ? [p] : [];
  });
}

describe('lab VDDK against the lab simulator datastores', () => {
  let lab: RunningLab;
  let session: VddkSession;

  beforeAll(async () => {
    ensureNativeBuilt();
    lab = await startVcsim({ mode: 'vcenter', vms: 0 });
    session = await VddkSession.start({ vddkDir: labVddkDir(), extraConfigText: labVddkConfig(lab.info) });
  });
  afterAll(async () => {
    await session?.close();
    await lab?.stop();
  });

  it('opens a disk the simulator made through its [datastore] path, writes and reads it back', async () => {
    const ds = lab.info.datastores.find((d) => descriptors(d.folder).length > 0);
    expect(ds).toBeDefined();
    const file = descriptors(ds!.folder)[0]!;
    const remotePath = `[${ds!.name}] ${file.slice(ds!.folder.length + 1)}`;
    const conn = await session.connect({
      server: new URL(lab.info.url).hostname,
      thumbprint: lab.info.thumbprintSha1,
      userName: lab.info.username,
      password: lab.info.password,
      vmxSpec: 'moref=vm-1',
      transports: ['nbdssl'],
    });
    const disk = await conn.openDisk(remotePath, { keepaliveMs: 0 });
    expect(disk.transportMode).toBe('nbdssl');
    expect(disk.capacity).toBeGreaterThan(0);
    const data = Buffer.alloc(MiB, 0x42);
    await disk.write(MiB, data);
    expect((await disk.read(MiB, MiB)).equals(data)).toBe(true);
    const blocks = await disk.allocatedBlocks();
    expect(blocks.some(([start, count]) => start * 512 <= MiB && (start + count) * 512 >= 2 * MiB)).toBe(true);
    await disk.close();

    // The lab's thumbprint is enforced at Open, as with real VDDK.
    const wrong = await session.connect({ server: 'x', thumbprint: '00:11', userName: 'u', password: 'p', transports: ['nbd'] });
    await expect(wrong.openDisk(remotePath, { keepaliveMs: 0 })).rejects.toMatchObject({ code: 1 });
  });
});
