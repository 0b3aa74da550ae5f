import { describe, expect, it } from 'vitest';
import { diskMetaFromConfig, pointMetaFromConfig } from '../../../electron/backup/backup-manifest';
import { diskMetaSchema, pointMetaSchema } from '../../../electron/repository/restore-point-manifest';
import { readVmConfig } from '../../../electron/vsphere/vm-config-info';
import type { VimObject } from '../../../electron/vsphere/vim-types';

const raw: VimObject = {
  $type: 'VirtualMachineConfigInfo',
  name: 'app01',
  instanceUuid: '5003-aaaa',
  uuid: '4203-bbbb',
  firmware: 'efi',
  changeTrackingEnabled: true,
  keyId: { $type: 'CryptoKeyId', keyId: 'key-1', providerId: { $type: 'KeyProviderId', id: 'kms' } },
  extraConfig: [
    { $type: 'OptionValue', key: 'encryption.bundle', value: 'vmware:key/list/(pair/(fqid/...))' },
    { $type: 'OptionValue', key: 'nvram', value: 'app01.nvram' },
  ],
  files: { vmPathName: '[ds1] app01/app01.vmx' },
  hardware: {
    numCPU: 2,
    memoryMB: 4096,
    device: [
      { $type: 'ParaVirtualSCSIController', key: 1000, busNumber: 0 },
      { $type: 'VirtualLsiLogicController', key: 1001, busNumber: 1 },
      { $type: 'VirtualTPM', key: 11000, deviceInfo: { label: 'Virtual TPM' } },
      {
        $type: 'VirtualDisk',
        key: 2000,
        controllerKey: 1000,
        unitNumber: 0,
        capacityInBytes: 64 * 1048576,
        deviceInfo: { label: 'Hard disk 1' },
        backing: { fileName: '[ds1] app01/app01.vmdk', thinProvisioned: true, diskMode: 'persistent' },
      },
      {
        $type: 'VirtualDisk',
        key: 2001,
        controllerKey: 1000,
        unitNumber: 1,
        capacityInKB: 32 * 1024,
        deviceInfo: { label: 'Hard disk 2' },
        backing: { fileName: '[nfs1] app01/app01_1.vmdk', thinProvisioned: false, eagerlyScrub: true, diskMode: 'persistent' },
      },
      {
        $type: 'VirtualDisk',
        key: 2016,
        controllerKey: 1001,
        unitNumber: 0,
        capacityInKB: 16 * 1024,
        deviceInfo: { label: 'Hard disk 3' },
        backing: { fileName: '[ds1] app01/app01_2.vmdk', thinProvisioned: true, diskMode: 'independent_persistent' },
      },
    ],
  },
};

describe('ConfigInfo → restore point manifest fields', () => {
  const config = readVmConfig(raw);

  it('BACKUP-SAVE-CONFIG and BACKUP-SKIP-INDEPENDENT: point fields pass the manifest schema', () => {
    const meta = pointMetaFromConfig({
      raw,
      config,
      vm: { type: 'VirtualMachine', value: 'vm-7' },
      server: 'vc.lab:443',
      storagePolicy: { vm: ['p-1'], disks: [{ key: 2000, policies: ['p-1'] }] },
      kind: 'full',
      parentPointId: null,
    });
    expect(pointMetaSchema.parse(meta)).toBeTruthy();
    expect(meta.vm).toEqual({ name: 'app01', instanceUuid: '5003-aaaa', moref: 'vm-7', sourceServer: 'vc.lab:443' });
    expect(meta.firmware).toBe('efi');
    expect(meta.vtpm?.key).toBe(11000);
    expect(meta.keyId?.keyId).toBe('key-1');
    expect(meta.encryptionBundle).toMatch(/^vmware:key/);
    expect(meta.skippedIndependentDisks).toEqual([
      { key: 2016, label: 'Hard disk 3', diskMode: 'independent_persistent', fileName: '[ds1] app01/app01_2.vmdk' },
    ]);
    expect(meta.configInfo.name).toBe('app01');
  });

  it('disk fields: controller, bus, unit, provisioning, datastore type and change id', () => {
    const types = new Map([
      ['ds1', 'VMFS'],
      ['nfs1', 'NFS'],
    ]);
    const thin = diskMetaFromConfig(config.disks[0]!, config, types, '52 aa/12');
    const eager = diskMetaFromConfig(config.disks[1]!, config, types, null);
    expect(diskMetaSchema.parse(thin)).toBeTruthy();
    expect(thin).toMatchObject({
      key: 2000,
      controller: { type: 'ParaVirtualSCSIController', busNumber: 0, unitNumber: 0 },
      capacity: 64 * 1048576,
      provisioning: 'thin',
      datastore: { name: 'ds1', type: 'VMFS' },
      changeId: '52 aa/12',
      allocationMapSaved: true,
    });
    expect(eager).toMatchObject({
      provisioning: 'eagerzeroed',
      capacity: 32 * 1048576,
      datastore: { name: 'nfs1', type: 'NFS' },
      changeId: null,
    });
  });
});
