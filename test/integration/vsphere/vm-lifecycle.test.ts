import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { fetchInventory, listVms } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { buildConfigSpec, newDiskChange } from '../../../electron/vsphere/config-spec-builder';
import {
  createSnapshot,
  createVm,
  destroyVm,
  powerOffVm,
  powerOnVm,
  removeSnapshot,
  setChangeTracking,
  addDevices,
} from '../../../electron/vsphere/vm-operations';
import { retrieveOne } from '../../../electron/vsphere/property-collector';
import { downloadDatastoreFileBytes, nvramFileOf, parseDatastorePath, uploadDatastoreFile } from '../../../electron/vsphere/datastore-files';
import { asArray, asObject, type VimObject } from '../../../electron/vsphere/vim-types';
import { VimFault } from '../../../electron/vsphere/vim-fault';
import { associatedPolicies, listStoragePolicies } from '../../../electron/vsphere/storage-policies';
import { startVcsim, type RunningLab as VcsimHandle } from '../../../electron/lab/vcsim-process';
import { LAB_CRYPTO, LAB_VMS } from '../../../electron/lab/lab-info';

for (const mode of ['vcenter', 'esxi'] as const) {
  describe(`VM operations against vcsim (${mode})`, () => {
    let lab: VcsimHandle;
    let session: VimSession;
    beforeAll(async () => {
      lab = await startVcsim({ mode });
      session = await VimSession.connect({
        url: lab.info.url,
        username: lab.info.username,
        password: async () => lab.info.password,
        trustedSha256: lab.info.thumbprintSha256,
      });
    });
    afterAll(async () => {
      await session?.close();
      await lab?.stop();
    });

    it(`round-trips ConfigInfo → ConfigSpec → CreateVM keeping firmware, ${mode === 'vcenter' ? 'vTPM, keyId, ' : ''}extraConfig`, async () => {
      const inv = await fetchInventory(session);
      const source = (await listVms(session)).find((v) => v.name === LAB_VMS.encrypted)!;
      expect(source).toMatchObject({ encrypted: true, firmware: 'efi', hasVtpm: true });
      expect(source.diskCount).toBeGreaterThan(0);
      const { raw, config: sourceConfig } = await fetchVmConfigInfo(session, source.ref);
      expect(sourceConfig.hasVtpm).toBe(true);
      expect(sourceConfig.keyId?.keyId).toBe(LAB_CRYPTO.keyId);
      // What a restore point would hold: the ConfigInfo as JSON, plus keys the host set itself.
      const saved = JSON.parse(JSON.stringify(raw)) as VimObject;
      saved.extraConfig = [
        ...asArray(saved.extraConfig as VimObject[]),
        { $type: 'OptionValue', key: 'lifeboat.test', value: 'kept' },
        { $type: 'OptionValue', key: 'sched.swap.derivedName', value: '/vmfs/old.vswp' },
      ];
      const savedBundle = asArray(raw.extraConfig as VimObject[]).find((o) => o.key === 'encryption.bundle')?.value;
      expect(savedBundle).toBeTruthy();

      const dc = inv.datacenters[0]!;
      const ds = inv.datastores[0]!;
      const pool = inv.computeResources[0]!.rootPool!;
      const network = inv.networks.find((n) => !n.portgroupKey)!;
      // vCenter encrypts only with an encryption storage policy on the home and the encrypted disks; a host has no policies.
      const encryptionPolicy = mode === 'vcenter' ? (await listStoragePolicies(session)).find((p) => p.name === 'VM Encryption Policy')!.id : undefined;
      const specWith = (encryption: 'same-key' | 'unencrypted') =>
        buildConfigSpec(saved, {
          name: `restored-${mode}`,
          datastoreName: ds.name,
          datastore: ds.ref,
          networkMapping: {},
          defaultNetwork: { kind: 'standard', name: network.name, ref: network.ref },
          storageProfileId: encryptionPolicy,
          encryption: { mode: encryption },
        }).spec;
      // A standalone host has no key provider: it refuses the encrypted home and the vTPM; the VM round-trips unencrypted.
      const encrypted = mode === 'vcenter';
      if (!encrypted) {
        await expect(createVm(session, { folder: dc.vmFolder!, resourcePool: pool }, specWith('same-key'))).rejects.toThrow(/spec\.crypto/);
      }
      const spec = specWith(encrypted ? 'same-key' : 'unencrypted');
      const vm = await createVm(session, { folder: dc.vmFolder!, resourcePool: pool }, spec);
      const { config: created, raw: createdRaw } = await fetchVmConfigInfo(session, vm);
      expect(created.name).toBe(`restored-${mode}`);
      expect(created.firmware).toBe('efi');
      expect(created.hasVtpm).toBe(encrypted);
      const extra = Object.fromEntries(created.extraConfig.map((o) => [o.key, o.value]));
      expect(extra['encryption.bundle']).toBe(encrypted ? savedBundle : undefined);
      expect(extra['lifeboat.test']).toBe('kept');
      expect(extra['sched.swap.derivedName']).toBeUndefined();
      expect(created.disks.length).toBe(asArray(asObject(raw.hardware)!.device as VimObject[]).filter((d) => d.$type === 'VirtualDisk').length);
      expect(createdRaw.name).toBe(`restored-${mode}`);
      expect(created.keyId).toEqual(encrypted ? { keyId: LAB_CRYPTO.keyId, providerId: LAB_CRYPTO.keyProvider } : undefined);
      // Each new disk is encrypted with the same key (or not at all).
      const diskChanges = (spec.deviceChange as VimObject[]).filter((c) => (c.device as VimObject).$type === 'VirtualDisk');
      expect(diskChanges.length).toBeGreaterThan(0);
      expect(created.disks.length).toBe(diskChanges.length);
      expect(created.disks.every((d) => d.encrypted === encrypted)).toBe(true);
      if (encrypted) for (const c of diskChanges) expect(c.backing).toMatchObject({ crypto: { cryptoKeyId: { keyId: LAB_CRYPTO.keyId } } });

      // Add a disk (single-disk restore to a new disk): thin, 8 MiB, next to the first one, encrypted like the VM.
      const firstDisk = created.disks[0]!;
      const used = new Set(created.disks.filter((d) => d.controllerKey === firstDisk.controllerKey).map((d) => d.unitNumber));
      const unit = [1, 2, 3, 4, 5, 6, 8].find((u) => !used.has(u))!;
      await addDevices(session, vm, [
        newDiskChange({ controllerKey: firstDisk.controllerKey, unitNumber: unit, capacityBytes: 8 * 1024 * 1024, datastoreName: ds.name, datastore: ds.ref, provisioning: 'thin', key: created.keyId, storageProfileId: encryptionPolicy }),
      ]);
      const withDisk = (await fetchVmConfigInfo(session, vm)).config;
      expect(withDisk.disks.length).toBe(created.disks.length + 1);
      expect(withDisk.disks.find((d) => d.controllerKey === firstDisk.controllerKey && d.unitNumber === unit)).toMatchObject({ capacityBytes: 8 * 1024 * 1024, provisioning: 'thin', encrypted });

      // CBT toggling
      await setChangeTracking(session, vm, true);
      expect((await fetchVmConfigInfo(session, vm)).config.changeTrackingEnabled).toBe(true);
      await setChangeTracking(session, vm, false);
      expect((await fetchVmConfigInfo(session, vm)).config.changeTrackingEnabled).toBe(false);

      // NVRAM upload/download is byte-identical
      const nvram = randomBytes(128 * 1024 + 7);
      const file = nvramFileOf(dc.name, created);
      expect(file.path).toBe(`${parseDatastorePath(created.vmPathName!).path.replace(/\/[^/]*$/, '')}/restored-${mode}.nvram`);
      await uploadDatastoreFile(session, file, nvram);
      const back = await downloadDatastoreFileBytes(session, file);
      expect(back.equals(nvram)).toBe(true);
      await expect(downloadDatastoreFileBytes(session, { ...file, path: file.path.replace(/[^/]*$/, 'missing.nvram') })).rejects.toThrow(/does not exist/);

      // Snapshot, power, destroy
      const snap = await createSnapshot(session, vm, 'lifeboat-test');
      expect(snap.type).toBe('VirtualMachineSnapshot');
      await removeSnapshot(session, snap);
      await powerOnVm(session, vm);
      expect((await retrieveOne(session, vm, ['runtime.powerState']))?.props['runtime.powerState']).toBe('poweredOn');
      const err = await powerOnVm(session, vm).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VimFault);
      expect((err as Error).message).toMatch(/power on VM/);
      await powerOffVm(session, vm);
      await destroyVm(session, vm);
      const gone = await retrieveOne(session, vm, ['name']).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(VimFault);
      expect((gone as VimFault).faultType).toBe('ManagedObjectNotFound');
    });

    it('lists storage policies and restores a VM with one (vCenter only)', async () => {
      if (mode === 'esxi') {
        await expect(listStoragePolicies(session)).rejects.toThrow(/standalone ESXi host has none/);
        return;
      }
      const policies = await listStoragePolicies(session);
      expect(policies.map((p) => p.name).sort()).toEqual([...lab.info.storagePolicies].sort());
      const policy = policies[0]!;
      const inv = await fetchInventory(session);
      const source = (await listVms(session)).find((v) => v.name === LAB_VMS.thinThick)!;
      const { raw } = await fetchVmConfigInfo(session, source.ref);
      const ds = inv.datastores[0]!;
      const network = inv.networks.find((n) => !n.portgroupKey)!;
      const { spec } = buildConfigSpec(raw, {
        name: 'restored-with-policy',
        datastoreName: ds.name,
        datastore: ds.ref,
        networkMapping: {},
        defaultNetwork: { kind: 'standard', name: network.name, ref: network.ref },
        storageProfileId: policy.id,
      });
      const vm = await createVm(session, { folder: inv.datacenters[0]!.vmFolder!, resourcePool: inv.computeResources[0]!.rootPool! }, spec);
      expect(await associatedPolicies(session, vm)).toEqual([policy.id]);
      const { config } = await fetchVmConfigInfo(session, vm);
      expect(config.disks.length).toBeGreaterThan(0);
      expect(await associatedPolicies(session, vm, config.disks[0]!.key)).toEqual([policy.id]);
      await destroyVm(session, vm);
    });
  });
}
