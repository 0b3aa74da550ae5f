import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatastorePath } from '../../../electron/vsphere/datastore-files';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { listVms } from '../../../electron/vsphere/inventory';
import { createSnapshot, removeSnapshot, setChangeTracking } from '../../../electron/vsphere/vm-operations';
import { allChangedDiskAreas, snapshotDisks } from '../../../electron/vsphere/changed-disk-areas';
import { VimFault } from '../../../electron/vsphere/vim-fault';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { LAB_VMS } from '../../../electron/lab/lab-info';

for (const mode of ['vcenter', 'esxi'] as const) {
  describe(`change tracking queries against the lab (${mode})`, () => {
    let lab: RunningLab;
    let session: VimSession;
    beforeAll(async () => {
      lab = await startVcsim({ mode });
      session = await VimSession.connect({ url: lab.info.url, username: lab.info.username, password: async () => lab.info.password, trustedSha256: lab.info.thumbprintSha256 });
    });
    afterAll(async () => {
      await session?.close();
      await lab?.stop();
    });

    it('reads snapshot disks with change ids and walks QueryChangedDiskAreas', async () => {
      const vm = (await listVms(session)).find((v) => v.name === LAB_VMS.thinThick)!.ref;

      // Without CBT the server refuses, and the message says why.
      const before = await createSnapshot(session, vm, 'no-cbt');
      const [plainDisk] = await snapshotDisks(session, before);
      expect(plainDisk!.changeId).toBeUndefined();
      const refused = await allChangedDiskAreas(session, vm, before, plainDisk!, '*').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(VimFault);
      expect((refused as Error).message).toMatch(/change tracking is not enabled/);
      await removeSnapshot(session, before);

      // Put data into the first disk's flat extent, as a guest write would, so '*' has something to report.
      const first = plainDisk!;
      const { datastore, path } = parseDatastorePath(first.fileName);
      const folder = lab.info.datastores.find((d) => d.name === datastore)!.folder;
      const flat = join(folder, path.replace(/\.vmdk$/, '-flat.vmdk'));
      const fh = await open(flat, 'r+');
      await fh.write(randomBytes(64 * 1024), 0, 64 * 1024, 1024 * 1024);
      // Past the first reply: vCenter (and the lab) answer QueryChangedDiskAreas in slices of the disk.
      await fh.write(randomBytes(64 * 1024), 0, 64 * 1024, 40 * 1024 * 1024);
      await fh.close();

      await setChangeTracking(session, vm, true);
      const snap = await createSnapshot(session, vm, 'lifeboat-backup');
      const disks = await snapshotDisks(session, snap);
      expect(disks.length).toBeGreaterThan(0);
      for (const disk of disks) {
        expect(disk.fileName).toMatch(/^\[[^\]]+\] .+\.vmdk$/);
        expect(disk.changeId).toMatch(/^.+\/\d+$/);
        const all = await allChangedDiskAreas(session, vm, snap, disk, '*');
        let end = 0;
        for (const a of all) {
          expect(a.start).toBeGreaterThanOrEqual(end);
          expect(a.length).toBeGreaterThan(0);
          end = a.start + a.length;
        }
        expect(end).toBeLessThanOrEqual(disk.capacityBytes);
        if (disk.key === first.key) {
          // The written range is inside a reported area.
          expect(all.some((a) => a.start <= 1024 * 1024 && a.start + a.length >= 1024 * 1024 + 64 * 1024)).toBe(true);
          expect(all.some((a) => a.start <= 40 * 1024 * 1024 && a.start + a.length >= 40 * 1024 * 1024 + 64 * 1024)).toBe(true);
          // One reply does not cover the whole disk: the walk needed more than one call.
          const first = (await session.call('QueryChangedDiskAreas', { _this: vm, snapshot: snap, deviceKey: disk.key, startOffset: 0, changeId: '*' })) as { length: string };
          expect(Number(first.length)).toBeLessThan(disk.capacityBytes);
        } else {
          expect(all).toEqual([]);
        }
        // Nothing was written since the snapshot's own change id.
        expect(await allChangedDiskAreas(session, vm, snap, disk, disk.changeId!)).toEqual([]);
      }
      await removeSnapshot(session, snap);
      await setChangeTracking(session, vm, false);
    });
  });
}
