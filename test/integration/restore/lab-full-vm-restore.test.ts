import { readFile, rm, stat } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';
import { runRestoreJob } from '../../../electron/restore/restore-job';
import { VsphereRestoreTarget } from '../../../electron/restore/vsphere-restore-target';
import { downloadDatastoreFileBytes, nvramFileOf, parseDatastorePath } from '../../../electron/vsphere/datastore-files';
import { fetchInventory } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { qemuImg } from '../disks/qemu-img';
import { encryptedVmPoint, labSession, labVddk, planFor, vddkConnect, writeRaw } from './lab-restore-fixture';

for (const mode of ['vcenter', 'esxi'] as const) {
  describe(`full-VM restore into the lab (${mode})`, () => {
    let lab: RunningLab;
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), `lifeboat-lab-restore-${mode}-`));
      lab = await startVcsim({ mode });
    }, 240_000);
    afterAll(async () => {
      await lab?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('restores the encrypted EFI/vTPM VM: config, keys, NVRAM and identical thin disks', async () => {
      const session = await labSession(lab.info);
      const { point, disks, nvram } = await encryptedVmPoint(session, join(dir, 'repo'));
      const vddk = await labVddk(lab.info, dir);
      const target = new VsphereRestoreTarget({
        session,
        vddk,
        connect: vddkConnect(lab.info),
        description: `lab ${mode}`,
        diskMatch: { by: 'slot', slots: new Map(point.manifest.disks.map((d) => [d.key, { bus: d.controller.busNumber, unit: d.controller.unitNumber }])) },
      });
      const plan = planFor(point, lab.info, 'nbdssl');
      const checkpoint = await RestoreCheckpointFile.create(join(dir, 'home'), { jobId: `lab-${mode}`, request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} });
      const datastore = lab.info.datastores[0]!;
      const outcome = await runRestoreJob(
        {
          jobId: `lab-${mode}`,
          kind: 'full-vm',
          manifest: point.manifest,
          openPointDisk: async (key) => point.disk(key),
          nvram: async () => (await point.readNvram())?.data ?? null,
          plan,
          placement: { name: `restored-${mode}`, datastore: datastore.name, encryption: 'keep' },
          identity: 'Lifeboat lab restore',
        },
        { target, checkpoint },
      );
      await vddk.close();
      expect(outcome.errors).toEqual([]);
      expect(outcome.ok).toBe(true);
      const prepare = outcome.phases.find((p) => p.phase === 'prepare-access')!;
      expect(prepare.status).toBe(mode === 'vcenter' ? 'done' : 'skipped');
      if (mode === 'vcenter') {
        const log = await readFile(join(dir, 'labvddk-access.log'), 'utf8');
        expect(log).toMatch(new RegExp(`^prepare Lifeboat lab restore moref=${outcome.vm!.moref}$`, 'm'));
        expect(log).toMatch(new RegExp(`^end Lifeboat lab restore moref=${outcome.vm!.moref}$`, 'm'));
      }

      // The new VM: firmware before vTPM, the vTPM device, keyId and bundle, change tracking back on.
      const vm = outcome.vm!;
      const { config } = await fetchVmConfigInfo(session, { type: 'VirtualMachine', value: vm.moref });
      expect(config.firmware).toBe('efi');
      expect(config.hasVtpm).toBe(true);
      expect(config.keyId?.keyId).toBe((point.manifest.keyId as { keyId: string }).keyId);
      expect(config.extraConfig.find((o) => o.key === 'encryption.bundle')?.value).toBe(point.manifest.encryptionBundle);
      expect(config.changeTrackingEnabled).toBe(true);

      // NVRAM byte-identical through the datastore file service.
      const dcName = (await fetchInventory(session)).datacenters[0]!.name;
      expect((await downloadDatastoreFileBytes(session, nvramFileOf(dcName, config))).equals(nvram)).toBe(true);

      // Every disk identical to the restore point (qemu-img judges), and thin stayed thin.
      for (const disk of config.disks) {
        const source = [...disks.entries()].find(([, img]) => img.capacity === disk.capacityBytes);
        expect(source, disk.fileName).toBeDefined();
        const { path } = parseDatastorePath(disk.fileName);
        const local = join(datastore.folder, path);
        const raw = await writeRaw(join(dir, `${disk.key}.raw`), source![1]);
        const compare = await qemuImg('compare', '-F', 'raw', local, raw);
        expect(compare.code, compare.stdout + compare.stderr).toBe(0);
        const flat = local.replace(/\.vmdk$/, '-flat.vmdk');
        expect((await stat(flat)).blocks * 512).toBeLessThan(disk.capacityBytes / 2);
      }
      await session.close();
    });

    if (mode === 'vcenter') {
      it('encryption fallbacks chosen explicitly: new keys from the key provider, or unencrypted; the sealed NVRAM is not uploaded', async () => {
        const session = await labSession(lab.info);
        const { point } = await encryptedVmPoint(session, join(dir, 'repo-fallback'));
        const originalKey = (point.manifest.keyId as { keyId: string }).keyId;
        for (const encryption of ['new-keys', 'unencrypted'] as const) {
          const vddk = await labVddk(lab.info, dir);
          const target = new VsphereRestoreTarget({
            session,
            vddk,
            connect: vddkConnect(lab.info),
            description: 'lab vcenter',
            diskMatch: { by: 'slot', slots: new Map(point.manifest.disks.map((d) => [d.key, { bus: d.controller.busNumber, unit: d.controller.unitNumber }])) },
          });
          const jobId = `fallback-${encryption}`;
          const outcome = await runRestoreJob(
            {
              jobId,
              kind: 'full-vm',
              manifest: point.manifest,
              openPointDisk: async (key) => point.disk(key),
              nvram: async () => (await point.readNvram())?.data ?? null,
              plan: planFor(point, lab.info, 'nbdssl'),
              placement: { name: jobId, datastore: lab.info.datastores[0]!.name, encryption },
              identity: `Lifeboat ${jobId}`,
            },
            { target, checkpoint: await RestoreCheckpointFile.create(join(dir, 'home'), { jobId, request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} }) },
          );
          await vddk.close();
          expect(outcome.errors).toEqual([]);
          expect(outcome.phases.find((p) => p.phase === 'nvram')).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/generic NVRAM/) });
          const { config } = await fetchVmConfigInfo(session, { type: 'VirtualMachine', value: outcome.vm!.moref });
          expect(config.extraConfig.find((o) => o.key === 'encryption.bundle')).toBeUndefined();
          if (encryption === 'new-keys') {
            expect(config.keyId?.keyId).toBeTruthy();
            expect(config.keyId?.keyId).not.toBe(originalKey);
            expect(config.hasVtpm).toBe(true);
          } else {
            expect(config.keyId).toBeUndefined();
            expect(config.hasVtpm).toBe(false);
          }
        }
        await session.close();
      });
    }
  });
}
