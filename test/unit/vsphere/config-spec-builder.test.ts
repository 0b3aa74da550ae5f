import { describe, expect, it } from 'vitest';
import { buildConfigSpec, type ConfigSpecOptions } from '../../../electron/vsphere/config-spec-builder';
import { readVmConfig } from '../../../electron/vsphere/vm-config-info';
import { encodeRequest } from '../../../electron/vsphere/soap-codec';
import { moRef, type VimObject } from '../../../electron/vsphere/vim-types';

/** A saved ConfigInfo as the codec reads it from vCenter: encrypted EFI Windows VM with vTPM. */
function savedConfigInfo(): VimObject {
  return {
    $type: 'VirtualMachineConfigInfo',
    name: 'dc01',
    guestId: 'windows2019srv_64Guest',
    version: 'vmx-19',
    uuid: '4211d3c4-0000-0000-0000-000000000001',
    files: { vmPathName: '[ssd-a] dc01/dc01.vmx' },
    firmware: 'efi',
    bootOptions: { efiSecureBootEnabled: 'true' },
    changeTrackingEnabled: 'true',
    keyId: { keyId: '8b1f-44', providerId: { id: 'corp-kms' } },
    extraConfig: [
      { $type: 'OptionValue', key: 'encryption.bundle', value: 'vmware:key/list/(pair/(fqid/corp-kms/8b1f-44,HMAC,abc))' },
      { $type: 'OptionValue', key: 'svga.present', value: 'TRUE' },
      { $type: 'OptionValue', key: 'sched.swap.derivedName', value: '/vmfs/volumes/x/dc01.vswp' },
      { $type: 'OptionValue', key: 'scsi0:0.ctkEnabled', value: 'TRUE' },
      { $type: 'OptionValue', key: 'nvram', value: 'dc01.nvram' },
      { $type: 'OptionValue', key: 'guestinfo.count', value: 3 },
    ],
    hardware: {
      numCPU: '4',
      numCoresPerSocket: '2',
      memoryMB: '8192',
      device: [
        { $type: 'VirtualIDEController', key: '200', busNumber: '0' },
        { $type: 'VirtualLsiLogicSASController', key: '1001', busNumber: '1', sharedBus: 'noSharing' },
        { $type: 'ParaVirtualSCSIController', key: '1000', busNumber: '0', sharedBus: 'noSharing' },
        { $type: 'VirtualAHCIController', key: '15000', busNumber: '0' },
        {
          $type: 'VirtualDisk',
          key: '2000',
          deviceInfo: { label: 'Hard disk 1' },
          controllerKey: '1000',
          unitNumber: '0',
          capacityInKB: '41943040',
          capacityInBytes: '42949672960',
          backing: { $type: 'VirtualDiskFlatVer2BackingInfo', fileName: '[ssd-a] dc01/dc01.vmdk', diskMode: 'persistent', thinProvisioned: 'true', keyId: { keyId: '8b1f-44', providerId: { id: 'corp-kms' } } },
        },
        {
          $type: 'VirtualDisk',
          key: '2016',
          deviceInfo: { label: 'Hard disk 2' },
          controllerKey: '1001',
          unitNumber: '1',
          capacityInKB: '1048576',
          backing: { $type: 'VirtualDiskFlatVer2BackingInfo', fileName: '[ssd-a] dc01/dc01_1.vmdk', diskMode: 'independent_persistent', thinProvisioned: 'false', eagerlyScrub: 'true' },
        },
        {
          $type: 'VirtualDisk',
          key: '16000',
          deviceInfo: { label: 'Hard disk 3' },
          controllerKey: '15000',
          unitNumber: '0',
          capacityInBytes: '1073741824',
          backing: { $type: 'VirtualDiskFlatVer2BackingInfo', fileName: '[ssd-a] dc01/dc01_2.vmdk', diskMode: 'persistent', thinProvisioned: 'false' },
        },
        {
          $type: 'VirtualVmxnet3',
          key: '4000',
          macAddress: '00:50:56:aa:bb:cc',
          addressType: 'manual',
          connectable: { startConnected: 'true' },
          backing: { $type: 'VirtualEthernetCardNetworkBackingInfo', deviceName: 'Servers', network: moRef('Network', 'network-1') },
        },
        {
          $type: 'VirtualE1000e',
          key: '4001',
          addressType: 'assigned',
          macAddress: '00:50:56:01:02:03',
          backing: { $type: 'VirtualEthernetCardDistributedVirtualPortBackingInfo', port: { switchUuid: '50 2a', portgroupKey: 'dvportgroup-33' } },
        },
        {
          $type: 'VirtualTPM',
          key: '11000',
          deviceInfo: { label: 'Virtual TPM', summary: 'Virtual TPM' },
          endorsementKeyCertificateSigningRequest: ['Q1NSLXJzYQ==', 'Q1NSLWVjYw=='],
          endorsementKeyCertificate: ['RUstcnNh', 'RUstZWNj'],
        },
      ],
    },
  };
}

const options: ConfigSpecOptions = {
  name: 'dc01-restored',
  datastoreName: 'nvme-b',
  datastore: moRef('Datastore', 'datastore-77'),
  networkMapping: {
    Servers: { kind: 'standard', name: 'DR-Servers', ref: moRef('Network', 'network-9') },
    'dvportgroup-33': { kind: 'distributed', portgroupKey: 'dvportgroup-90', switchUuid: '50 ff' },
  },
};

const devices = (spec: VimObject) => (spec.deviceChange as VimObject[]).map((c) => c.device as VimObject);

describe('readVmConfig', () => {
  it('reads typed facts from a saved ConfigInfo', () => {
    const c = readVmConfig(savedConfigInfo());
    expect(c).toMatchObject({ name: 'dc01', firmware: 'efi', efiSecureBoot: true, numCPUs: 4, memoryMB: 8192, hasVtpm: true, changeTrackingEnabled: true });
    expect(c.keyId).toEqual({ keyId: '8b1f-44', providerId: 'corp-kms' });
    expect(c.disks.map((d) => [d.label, d.provisioning, d.diskMode, d.capacityBytes, d.encrypted])).toEqual([
      ['Hard disk 1', 'thin', 'persistent', 42949672960, true],
      ['Hard disk 2', 'eagerZeroed', 'independent_persistent', 1073741824, false],
      ['Hard disk 3', 'lazyZeroed', 'persistent', 1073741824, false],
    ]);
    expect(c.nics.map((n) => n.sourceNetwork)).toEqual(['Servers', 'dvportgroup-33']);
  });
});

describe('buildConfigSpec (STEP-CONFIG-FROM-CONFIGINFO)', () => {
  it('keeps firmware, secure boot, key id, encryption.bundle and vTPM with the same key', () => {
    const { spec, notes } = buildConfigSpec(savedConfigInfo(), options);
    expect(spec).toMatchObject({
      $type: 'VirtualMachineConfigSpec',
      name: 'dc01-restored',
      guestId: 'windows2019srv_64Guest',
      version: 'vmx-19',
      numCPUs: 4,
      numCoresPerSocket: 2,
      memoryMB: 8192,
      firmware: 'efi',
      bootOptions: { efiSecureBootEnabled: true },
      files: { vmPathName: '[nvme-b]' },
      changeTrackingEnabled: false,
      crypto: { $type: 'CryptoSpecEncrypt', cryptoKeyId: { keyId: '8b1f-44', providerId: { id: 'corp-kms' } } },
    });
    expect(spec.uuid).toBeUndefined(); // a restored VM is a new VM
    expect(devices(spec).filter((d) => d.$type === 'VirtualTPM')).toHaveLength(1);
    const extra = Object.fromEntries((spec.extraConfig as VimObject[]).map((o) => [o.key, o.value]));
    expect(extra['encryption.bundle']).toEqual({ $type: 'xsd:string', $value: 'vmware:key/list/(pair/(fqid/corp-kms/8b1f-44,HMAC,abc))' });
    expect(extra['guestinfo.count']).toEqual({ $type: 'xsd:long', $value: 3 });
    expect(extra['svga.present']).toBeDefined();
    for (const dropped of ['sched.swap.derivedName', 'scsi0:0.ctkEnabled', 'nvram']) expect(extra[dropped]).toBeUndefined();
    expect(notes.some((n) => /manual MAC/.test(n))).toBe(true);
    expect(notes.some((n) => /Hard disk 2 is independent_persistent/.test(n))).toBe(true);
  });

  it('adds controllers first, by bus number, and points disks at their new keys', () => {
    const { spec, diskKeys } = buildConfigSpec(savedConfigInfo(), options);
    const devs = devices(spec);
    const types = devs.map((d) => d.$type);
    expect(types.slice(0, 3)).toEqual(['ParaVirtualSCSIController', 'VirtualAHCIController', 'VirtualLsiLogicSASController']);
    expect(types).not.toContain('VirtualIDEController');
    const controllers = new Map(devs.slice(0, 3).map((d) => [d.$type as string, d]));
    expect(controllers.get('VirtualLsiLogicSASController')).toMatchObject({ busNumber: 1, sharedBus: 'noSharing' });
    const disks = (spec.deviceChange as VimObject[]).filter((c) => (c.device as VimObject).$type === 'VirtualDisk');
    expect(disks.every((c) => c.operation === 'add' && c.fileOperation === 'create')).toBe(true);
    const [d1, d2, d3] = disks.map((c) => c.device as VimObject);
    expect(d1!.controllerKey).toBe(controllers.get('ParaVirtualSCSIController')!.key);
    expect(d2!.controllerKey).toBe(controllers.get('VirtualLsiLogicSASController')!.key);
    expect(d3!.controllerKey).toBe(controllers.get('VirtualAHCIController')!.key);
    expect(d2!.unitNumber).toBe(1);
    expect(d1!.backing).toMatchObject({ fileName: '[nvme-b]', datastore: moRef('Datastore', 'datastore-77'), thinProvisioned: true, eagerlyScrub: false, diskMode: 'persistent' });
    expect(d2!.backing).toMatchObject({ thinProvisioned: false, eagerlyScrub: true, diskMode: 'independent_persistent' });
    expect(d3!.backing).toMatchObject({ thinProvisioned: false, eagerlyScrub: false });
    expect(d1!.capacityInBytes).toBe(42949672960);
    expect(d1!.capacityInKB).toBe(41943040);
    expect(diskKeys.get(2000)).toBe(d1!.key);
    // Encrypted VM: the disk that had a key is encrypted with the same key.
    expect(disks[0]!.backing).toMatchObject({ crypto: { $type: 'CryptoSpecEncrypt' } });
  });

  it('maps NICs through the network mapping and keeps a manual MAC only when asked', () => {
    const { spec } = buildConfigSpec(savedConfigInfo(), { ...options, keepMacAddresses: true });
    const nics = devices(spec).filter((d) => d.$type === 'VirtualVmxnet3' || d.$type === 'VirtualE1000e');
    expect(nics[0]).toMatchObject({ addressType: 'manual', macAddress: '00:50:56:aa:bb:cc', backing: { deviceName: 'DR-Servers', network: moRef('Network', 'network-9') } });
    expect(nics[1]).toMatchObject({ addressType: 'generated', backing: { $type: 'VirtualEthernetCardDistributedVirtualPortBackingInfo', port: { portgroupKey: 'dvportgroup-90', switchUuid: '50 ff' } } });
    expect(nics[1]!.macAddress).toBeUndefined();
    expect(() => buildConfigSpec(savedConfigInfo(), { ...options, networkMapping: {} })).toThrow(/No target network for the NIC on "Servers"/);
  });

  it('falls back to a new key: other key id, no old encryption.bundle', () => {
    const { spec, notes } = buildConfigSpec(savedConfigInfo(), { ...options, encryption: { mode: 'new-key', key: { keyId: 'new-1', providerId: 'dr-kms' } } });
    expect(spec.crypto).toMatchObject({ cryptoKeyId: { keyId: 'new-1', providerId: { id: 'dr-kms' } } });
    expect((spec.extraConfig as VimObject[]).some((o) => o.key === 'encryption.bundle')).toBe(false);
    expect(devices(spec).some((d) => d.$type === 'VirtualTPM')).toBe(true);
    expect(notes.some((n) => /encryption\.\* settings/.test(n))).toBe(true);
  });

  it('falls back to unencrypted: no crypto, no vTPM, and says so', () => {
    const { spec, notes } = buildConfigSpec(savedConfigInfo(), { ...options, encryption: { mode: 'unencrypted' } });
    expect(spec.crypto).toBeUndefined();
    expect(devices(spec).some((d) => d.$type === 'VirtualTPM')).toBe(false);
    expect((spec.deviceChange as VimObject[]).some((c) => c.backing !== undefined)).toBe(false);
    expect(notes.some((n) => /virtual TPM; it is left out/.test(n))).toBe(true);
  });

  it('applies a storage policy and a provisioning override to home and disks', () => {
    const plain = savedConfigInfo();
    delete plain.keyId;
    const { spec } = buildConfigSpec(plain, { ...options, storageProfileId: 'aa-bb', provisioning: 'thin' });
    expect(spec.vmProfile).toEqual([{ $type: 'VirtualMachineDefinedProfileSpec', profileId: 'aa-bb' }]);
    const disks = (spec.deviceChange as VimObject[]).filter((c) => (c.device as VimObject).$type === 'VirtualDisk');
    expect(disks.every((c) => (c.profile as VimObject[])[0]!.profileId === 'aa-bb')).toBe(true);
    expect(disks.every((c) => ((c.device as VimObject).backing as VimObject).thinProvisioned === true)).toBe(true);
  });

  it('encrypts only the disks that were encrypted, and gives the encryption policy to the home and those disks only', () => {
    const { spec } = buildConfigSpec(savedConfigInfo(), { ...options, storageProfileId: 'enc-policy' });
    expect(spec.vmProfile).toEqual([{ $type: 'VirtualMachineDefinedProfileSpec', profileId: 'enc-policy' }]);
    const disks = (spec.deviceChange as VimObject[]).filter((c) => (c.device as VimObject).$type === 'VirtualDisk');
    // Hard disk 1 had a key; Hard disks 2 and 3 were plain (a vTPM VM's home is encrypted, its disks need not be).
    expect(disks.map((c) => c.backing !== undefined)).toEqual([true, false, false]);
    expect(disks.map((c) => (c.profile as VimObject[] | undefined)?.[0]?.profileId)).toEqual(['enc-policy', undefined, undefined]);
  });

  it('gives a disk its own saved policy where one is given, plain disks of an encrypted VM included', () => {
    const { spec } = buildConfigSpec(savedConfigInfo(), { ...options, storageProfileId: 'enc-policy', diskStorageProfileIds: new Map([[2016, 'gold']]) });
    const disks = (spec.deviceChange as VimObject[]).filter((c) => (c.device as VimObject).$type === 'VirtualDisk');
    expect(disks.map((c) => (c.profile as VimObject[] | undefined)?.[0]?.profileId)).toEqual(['enc-policy', 'gold', undefined]);
  });

  it('VTPM-RESTORE: sends the saved vTPM device with its endorsement key certificates under a new negative key', () => {
    const { spec } = buildConfigSpec(savedConfigInfo(), options);
    const tpm = devices(spec).find((d) => d.$type === 'VirtualTPM')!;
    expect(Number(tpm.key)).toBeLessThan(0);
    expect(tpm.endorsementKeyCertificate).toEqual(['RUstcnNh', 'RUstZWNj']);
    expect(tpm.endorsementKeyCertificateSigningRequest).toEqual(['Q1NSLXJzYQ==', 'Q1NSLWVjYw==']);
  });

  it('VTPM-FIRMWARE: a vTPM makes the firmware EFI even when the saved ConfigInfo says BIOS', () => {
    const bios = { ...savedConfigInfo(), firmware: 'bios' };
    const { spec, notes } = buildConfigSpec(bios, options);
    expect(spec.firmware).toBe('efi');
    expect(notes.some((n) => /VTPM-FIRMWARE/.test(n))).toBe(true);
    // Without the vTPM (restored unencrypted) the saved firmware stays.
    expect(buildConfigSpec(bios, { ...options, encryption: { mode: 'unencrypted' } }).spec.firmware).toBe('bios');
  });

  it('refuses same-key for a VM that was never encrypted', () => {
    const plain = savedConfigInfo();
    delete plain.keyId;
    expect(() => buildConfigSpec(plain, { ...options, encryption: { mode: 'same-key' } })).toThrow(/not encrypted/);
    expect(buildConfigSpec(plain, options).spec.crypto).toBeUndefined();
  });

  it('encodes to vim25 XML with xsi:types the server needs', () => {
    const { spec } = buildConfigSpec(savedConfigInfo(), options);
    const xml = encodeRequest('CreateVM_Task', { _this: moRef('Folder', 'group-v3'), config: spec, pool: moRef('ResourcePool', 'resgroup-1') });
    expect(xml).toContain('<device xsi:type="VirtualTPM">');
    expect(xml).toContain('<crypto xsi:type="CryptoSpecEncrypt"><cryptoKeyId xsi:type="CryptoKeyId"><keyId>8b1f-44</keyId>');
    expect(xml).toContain('<firmware>efi</firmware>');
    expect(xml).toContain('<datastore type="Datastore">datastore-77</datastore>');
    expect(xml).not.toContain('.vmx');
  });
});
