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
import { fetchInventory, listVms } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { associatedPolicies, listStoragePolicies } from '../../../electron/vsphere/storage-policies';
import { asArray, type VimObject } from '../../../electron/vsphere/vim-types';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import type { RestorePointManifest } from '../../../electron/repository/restore-point-manifest';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import type { VmPlacement } from '../../../electron/restore/restore-target';
import type { LabInfo } from '../../../electron/lab/lab-info';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { qemuImg } from '../disks/qemu-img';
import { encryptedVmPoint, labSession, labVddk, planFor, vddkConnect, writeRaw } from './lab-restore-fixture';

/** The VirtualTPM device of a raw ConfigInfo. */
function tpmOf(raw: VimObject): VimObject | undefined {
  return asArray((raw.hardware as VimObject | undefined)?.device as VimObject[] | undefined).find((d) => d.$type === 'VirtualTPM');
}

/** Runs a full-VM restore of `point` (or of `manifest`, a changed copy of its manifest) into the lab. */
async function restoreInto(info: LabInfo, session: VimSession, dir: string, jobId: string, point: RestorePoint, placement: Omit<VmPlacement, 'datastore'>, manifest: RestorePointManifest = point.manifest) {
  const vddk = await labVddk(info, dir);
  const target = new VsphereRestoreTarget({
    session,
    vddk,
    connect: vddkConnect(info),
    description: `lab ${info.mode}`,
    diskMatch: { by: 'slot', slots: new Map(manifest.disks.map((d) => [d.key, { bus: d.controller.busNumber, unit: d.controller.unitNumber }])) },
  });
  try {
    return await runRestoreJob(
      {
        jobId,
        kind: 'full-vm',
        manifest,
        openPointDisk: async (key) => point.disk(key),
        nvram: async () => (await point.readNvram())?.data ?? null,
        plan: planFor(point, info, 'nbdssl'),
        placement: { datastore: info.datastores[0]!.name, ...placement },
        identity: `Lifeboat ${jobId}`,
      },
      { target, checkpoint: await RestoreCheckpointFile.create(join(dir, 'home'), { jobId, request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} }) },
    );
  } finally {
    await vddk.close();
  }
}

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

    if (mode === 'esxi') {
      // A standalone host has no key provider: it refuses a VM with an encrypted home or a vTPM (the lab too).
      for (const vmName of [LAB_VMS.encrypted, LAB_VMS.efiVtpm]) {
        it(`CRYPT-KMS-MISMATCH: keeping the keys of ${vmName} is a plan block; unencrypted restores it without the vTPM, disks identical`, async () => {
          const session = await labSession(lab.info);
          const { point, disks } = await encryptedVmPoint(session, join(dir, `repo-esxi-${vmName}`), vmName);
          const plan = planFor(point, lab.info, 'nbdssl');
          expect(plan.ok).toBe(false);
          expect(plan.findings.find((f) => f.rule === 'CRYPT-KMS-MISMATCH')).toMatchObject({ severity: 'block', remedy: expect.stringMatching(/--encryption unencrypted/) });
          const outcome = await restoreInto(lab.info, session, dir, `esxi-plain-${vmName}`, point, { name: `esxi-plain-${vmName}`, encryption: 'unencrypted' });
          expect(outcome.errors).toEqual([]);
          expect(outcome.phases.find((p) => p.phase === 'nvram')).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/generic NVRAM/) });
          const { config } = await fetchVmConfigInfo(session, { type: 'VirtualMachine', value: outcome.vm!.moref });
          expect(config.firmware).toBe('efi');
          expect(config.hasVtpm).toBe(false);
          expect(config.keyId).toBeUndefined();
          expect(config.disks.every((d) => !d.encrypted)).toBe(true);
          for (const disk of config.disks) {
            const source = [...disks.entries()].find(([, img]) => img.capacity === disk.capacityBytes)!;
            const local = join(lab.info.datastores[0]!.folder, parseDatastorePath(disk.fileName).path);
            const compare = await qemuImg('compare', '-F', 'raw', local, await writeRaw(join(dir, `esxi-${disk.key}.raw`), source[1]));
            expect(compare.code, compare.stdout + compare.stderr).toBe(0);
          }
          await session.close();
        });
      }
    }

    if (mode === 'vcenter') it('restores the encrypted EFI/vTPM VM: config, keys, NVRAM and identical thin disks', async () => {
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
      // VTPM-RESTORE: the saved device, endorsement key certificates included, not a new empty one.
      const { raw: restoredRaw } = await fetchVmConfigInfo(session, { type: 'VirtualMachine', value: vm.moref });
      const savedTpm = tpmOf(point.manifest.configInfo as VimObject)!;
      expect(asArray(savedTpm.endorsementKeyCertificate as string[]).length).toBe(2);
      expect(tpmOf(restoredRaw)?.endorsementKeyCertificate).toEqual(savedTpm.endorsementKeyCertificate);
      expect(tpmOf(restoredRaw)?.endorsementKeyCertificateSigningRequest).toEqual(savedTpm.endorsementKeyCertificateSigningRequest);
      // Disks encrypted as they were saved (the lab VM's only disk had a key).
      expect(config.disks.map((d) => d.encrypted)).toEqual(point.manifest.disks.map(() => true));
      if (mode === 'vcenter') {
        // CRYPT-KEYS-SAVED: the saved encryption storage policy on the VM home and the encrypted disk.
        const saved = (point.manifest.storagePolicy as { vm: string[] }).vm;
        expect(saved.length).toBe(1);
        expect(await associatedPolicies(session, { type: 'VirtualMachine', value: vm.moref })).toEqual(saved);
        expect(await associatedPolicies(session, { type: 'VirtualMachine', value: vm.moref }, config.disks[0]!.key)).toEqual(saved);
      }

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

    if (mode === 'vcenter') it('restores the vTPM-only VM: encrypted home with the saved vTPM, EFI, and its plain disk left plain', async () => {
      const session = await labSession(lab.info);
      const { point } = await encryptedVmPoint(session, join(dir, 'repo-vtpm'), LAB_VMS.efiVtpm);
      // A restore point whose saved ConfigInfo lost its firmware still gets EFI before the vTPM (VTPM-FIRMWARE).
      // Its plain disk had a policy of its own (saved per disk): the restored disk gets it back.
      const vsan = mode === 'vcenter' ? (await listStoragePolicies(session)).find((p) => p.name === 'vSAN Default Storage Policy')!.id : 'none';
      const manifest = {
        ...point.manifest,
        configInfo: { ...point.manifest.configInfo, firmware: 'bios' },
        storagePolicy: mode === 'vcenter' ? { vm: [], disks: point.manifest.disks.map((d) => ({ key: d.key, policies: [vsan] })) } : null,
      };
      const outcome = await restoreInto(lab.info, session, dir, `vtpm-only-${mode}`, point, { name: `vtpm-only-${mode}`, encryption: 'keep' }, manifest);
      expect(outcome.errors).toEqual([]);
      const ref = { type: 'VirtualMachine', value: outcome.vm!.moref };
      const { raw, config } = await fetchVmConfigInfo(session, ref);
      expect(config.firmware).toBe('efi');
      expect(config.keyId?.keyId).toBe((point.manifest.keyId as { keyId: string }).keyId);
      expect(tpmOf(raw)?.endorsementKeyCertificate).toEqual(tpmOf(point.manifest.configInfo as VimObject)?.endorsementKeyCertificate);
      expect(config.disks.length).toBe(1);
      expect(config.disks[0]!.encrypted).toBe(false);
      if (mode === 'vcenter') {
        const policies = await listStoragePolicies(session);
        const encryption = policies.find((p) => p.name === 'VM Encryption Policy')!.id;
        expect(await associatedPolicies(session, ref)).toEqual([encryption]);
        expect(await associatedPolicies(session, ref, config.disks[0]!.key)).toEqual([vsan]);
      }
      await session.close();
    });

    if (mode === 'vcenter') {
      it('CRYPT-POLICY-MISSING: a saved policy the target lacks falls back to the user\'s pick, else to "VM Encryption Policy"', async () => {
        const session = await labSession(lab.info);
        const { point } = await encryptedVmPoint(session, join(dir, 'repo-policy'));
        const policies = await listStoragePolicies(session);
        const gone = { ...point.manifest, storagePolicy: { vm: ['0000-gone'], disks: point.manifest.disks.map((d) => ({ key: d.key, policies: ['0000-gone'] })) } };
        const byDefault = await restoreInto(lab.info, session, dir, 'policy-default', point, { name: 'policy-default', encryption: 'keep' }, gone);
        expect(byDefault.errors).toEqual([]);
        const encryption = policies.find((p) => p.name === 'VM Encryption Policy')!.id;
        expect(await associatedPolicies(session, { type: 'VirtualMachine', value: byDefault.vm!.moref })).toEqual([encryption]);
        // A policy that does not exist is refused before anything is created.
        const wrong = await restoreInto(lab.info, session, dir, 'policy-wrong', point, { name: 'policy-wrong', encryption: 'keep', storagePolicy: 'No Such Policy' }, gone);
        expect(wrong.ok).toBe(false);
        expect(wrong.errors.join(' ')).toMatch(/No Such Policy.*not found/);
        await session.close();
      });

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

    // Last: it adds a disk to the lab's own VMs, which the restore points above are made from.
    it('adds new disks encrypted only where the VM\'s disks are, with the VM\'s encryption policy', async () => {
      const session = await labSession(lab.info);
      const vddk = await labVddk(lab.info, dir);
      const target = new VsphereRestoreTarget({ session, vddk, connect: vddkConnect(lab.info), description: `lab ${mode}`, diskMatch: { by: 'key' } });
      const vms = await listVms(session);
      for (const [name, encrypted] of [[LAB_VMS.encrypted, true], [LAB_VMS.efiVtpm, false]] as const) {
        const ref = vms.find((v) => v.name === name)!.ref;
        const added = await target.addDisks({ moref: ref.value, name }, [{ pointKey: 7, capacity: 4 * 1024 * 1024, provisioning: 'thin' }], lab.info.datastores[0]!.name);
        const { config } = await fetchVmConfigInfo(session, ref);
        const disk = config.disks.find((d) => d.key === added.get(7))!;
        expect(disk.encrypted, name).toBe(encrypted);
        if (mode === 'vcenter' && encrypted) expect(await associatedPolicies(session, ref, disk.key)).toEqual(await associatedPolicies(session, ref));
      }
      await vddk.close();
      await session.close();
    });
  });
}
