import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CRYPTO, LAB_VMS } from '../../../electron/lab/lab-info';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { LabSoapSession } from './soap-probe';

const run = promisify(execFile);
const VM_ENCRYPTION_POLICY = '4d5f673c-536f-11e6-beb8-9e71128cae77';

let lab: RunningLab;
let soap: LabSoapSession;
let vmfs: string;

beforeAll(async () => {
  lab = await startVcsim({ mode: 'vcenter', vms: 0 });
  soap = await LabSoapSession.login(lab.info.url, lab.info.username, lab.info.password);
  vmfs = lab.info.datastores.find((d) => d.name === 'LocalDS_0')!.folder;
});
afterAll(async () => {
  await lab?.stop();
});

const cryptoSpec = (keyId: string) =>
  `<crypto xsi:type="CryptoSpecEncrypt"><cryptoKeyId><keyId>${keyId}</keyId>` +
  `<providerId><id>${LAB_CRYPTO.keyProvider}</id></providerId></cryptoKeyId></crypto>`;

// Elements in WSDL order (VirtualDevice: key, backing, controllerKey, unitNumber; then VirtualDisk's own): the lab refuses others as vCenter does.
const diskChange = (controllerKey: number, unit: number, file: string, kb: number) =>
  '<deviceChange><operation>add</operation><fileOperation>create</fileOperation>' +
  `<device xsi:type="VirtualDisk"><key>-${10 + unit}</key>` +
  `<backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>${file}</fileName><diskMode>persistent</diskMode>` +
  `<thinProvisioned>true</thinProvisioned></backing><controllerKey>${controllerKey}</controllerKey><unitNumber>${unit}</unitNumber>` +
  `<capacityInKB>${kb}</capacityInKB></device></deviceChange>`;

/** The labels of a VM's disks, in device order. */
function diskLabels(devicesXml: string): string[] {
  return devicesXml
    .split(/(?=<VirtualDevice xsi:type=")/)
    .filter((d) => d.startsWith('<VirtualDevice xsi:type="VirtualDisk"'))
    .map((d) => /<deviceInfo[^>]*><label>([^<]*)<\/label>/.exec(d)?.[1] ?? '');
}

function controllerKey(devicesXml: string, type: string): number {
  const m = new RegExp(`<VirtualDevice xsi:type="${type}"><key>(\\d+)</key>`).exec(devicesXml);
  if (!m?.[1]) throw new Error(`no ${type} in ${devicesXml.slice(0, 400)}`);
  return Number(m[1]);
}

describe('special VMs as vSphere reports them', () => {
  it('lab-encrypted has keyId, encryption.bundle, EFI firmware and a vTPM', async () => {
    const vm = await soap.findByPath(`DC0/vm/${LAB_VMS.encrypted}`);
    const xml = await soap.properties('VirtualMachine', vm, ['config']);
    expect(xml).toContain(`<keyId><keyId>${LAB_CRYPTO.keyId}</keyId><providerId><id>${LAB_CRYPTO.keyProvider}</id>`);
    expect(xml).toMatch(/<key>encryption\.bundle<\/key><value xsi:type="xsd:string">vmware:key\/list\//);
    expect(xml).toContain('<firmware>efi</firmware>');
    expect(xml).toContain('xsi:type="VirtualTPM"');
  });

  it('lab-efi-vtpm has EFI firmware, a vTPM with endorsement key certificates, an encrypted home and a plain disk', async () => {
    const vm = await soap.findByPath(`DC0/vm/${LAB_VMS.efiVtpm}`);
    const xml = await soap.properties('VirtualMachine', vm, ['config']);
    expect(xml).toContain('<firmware>efi</firmware>');
    expect(xml).toMatch(/xsi:type="VirtualTPM">.*<endorsementKeyCertificate>[^<]+<\/endorsementKeyCertificate>/);
    // As in vSphere, a vTPM lives in an encrypted VM home; the disk has no key.
    expect(xml).toContain(`<keyId><keyId>${LAB_CRYPTO.keyId}</keyId>`);
    expect(xml).not.toMatch(/xsi:type="VirtualDiskFlatVer2BackingInfo">(?:(?!<\/backing>).)*<keyId>/);
  });

  it('lab-proxy has SCSI controllers on bus 0 and 1 and lab-ide-disk a disk on IDE', async () => {
    const proxy = await soap.properties('VirtualMachine', await soap.findByPath(`DC0/vm/${LAB_VMS.proxy}`), [
      'config.hardware.device',
    ]);
    const buses = [...proxy.matchAll(/xsi:type="ParaVirtualSCSIController">.*?<busNumber>(\d+)<\/busNumber>/g)].map((m) => m[1]);
    expect(buses.sort()).toEqual(['0', '1']);
    const power = await soap.properties('VirtualMachine', await soap.findByPath(`DC0/vm/${LAB_VMS.proxy}`), [
      'runtime.powerState',
    ]);
    expect(power).toContain('>poweredOn<');
    const ide = await soap.properties('VirtualMachine', await soap.findByPath(`DC0/vm/${LAB_VMS.ideDisk}`), [
      'config.hardware.device',
    ]);
    expect(ide).toMatch(/xsi:type="VirtualDisk"><key>\d+<\/key>.*?<controllerKey>200<\/controllerKey>/);
  });

  it('the lab VMs’ disks are labelled as vCenter labels them (Hard disk 1, 2, …)', async () => {
    const vm = await soap.findByPath(`DC0/vm/${LAB_VMS.thinThick}`);
    expect(diskLabels(await soap.properties('VirtualMachine', vm, ['config.hardware.device']))).toEqual(['Hard disk 1', 'Hard disk 2', 'Hard disk 3']);
  });

  it('lab-thin-thick has an independent_persistent disk and a lazy-zeroed thick one', async () => {
    const xml = await soap.properties('VirtualMachine', await soap.findByPath(`DC0/vm/${LAB_VMS.thinThick}`), [
      'config.hardware.device',
    ]);
    expect(xml).toContain('<diskMode>independent_persistent</diskMode>');
    expect(xml).toMatch(
      /<thinProvisioned>false<\/thinProvisioned><eagerlyScrub>false<\/eagerlyScrub>|<eagerlyScrub>false<\/eagerlyScrub>.*<thinProvisioned>false<\/thinProvisioned>/,
    );
    expect(xml).toContain('xsi:type="ParaVirtualSCSIController"');
    expect(xml).toContain('xsi:type="VirtualLsiLogicController"');
  });

  it('PBM reports the VM Encryption Policy for lab-encrypted and its disk', async () => {
    const vm = await soap.findByPath(`DC0/vm/${LAB_VMS.encrypted}`);
    expect(await soap.associatedProfiles('virtualMachine', vm)).toEqual([VM_ENCRYPTION_POLICY]);
    const devices = await soap.properties('VirtualMachine', vm, ['config.hardware.device']);
    const diskKey = /xsi:type="VirtualDisk"><key>(\d+)<\/key>/.exec(devices)![1];
    expect(await soap.associatedProfiles('virtualDiskId', `${vm}:${diskKey}`)).toEqual([VM_ENCRYPTION_POLICY]);
    const plain = await soap.findByPath(`DC0/vm/${LAB_VMS.efiVtpm}`);
    expect(await soap.associatedProfiles('virtualMachine', plain)).toEqual([]);
  });

  it('the key provider answers ListKmipServers', async () => {
    const xml = await soap.call('<ListKmipServers><_this type="CryptoManagerKmip">CryptoManager</_this></ListKmipServers>');
    expect(xml).toContain(`<clusterId><id>${LAB_CRYPTO.keyProvider}</id></clusterId>`);
  });
});

describe('simulator extensions over SOAP', () => {
  let vm = '';

  it('CreateVM_Task keeps keyId, bundle, firmware, vTPM and CBT, and writes real disk files', async () => {
    const folder = await soap.findByPath('DC0/vm');
    const pool = await soap.findByPath('DC0/host/DC0_C0/Resources');
    const info = await soap.task(
      `<CreateVM_Task><_this type="Folder">${folder}</_this><config>` +
        '<name>restored-encrypted</name><guestId>windows9_64Guest</guestId>' +
        '<files><vmPathName>[LocalDS_0]</vmPathName></files>' +
        '<deviceChange><operation>add</operation><device xsi:type="ParaVirtualSCSIController"><key>-100</key>' +
        '<busNumber>0</busNumber><sharedBus>noSharing</sharedBus></device></deviceChange>' +
        diskChange(-100, 0, '[LocalDS_0] restored-encrypted/restored-encrypted.vmdk', 4096) +
        // Name left to the server; found again by controller and unit number.
        '<deviceChange><operation>add</operation><fileOperation>create</fileOperation>' +
        '<device xsi:type="VirtualDisk"><key>-2</key>' +
        '<backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[LocalDS_0]</fileName><diskMode>persistent</diskMode>' +
        '<thinProvisioned>true</thinProvisioned></backing><controllerKey>-100</controllerKey><unitNumber>1</unitNumber><capacityInKB>1024</capacityInKB></device>' +
        `<profile xsi:type="VirtualMachineDefinedProfileSpec"><profileId>${VM_ENCRYPTION_POLICY}</profileId></profile>` +
        `<backing>${cryptoSpec('restored-disk-key')}</backing></deviceChange>` +
        '<deviceChange><operation>add</operation><device xsi:type="VirtualTPM"><key>-200</key></device></deviceChange>' +
        '<extraConfig><key>encryption.bundle</key><value xsi:type="xsd:string">vmware:key/list/(restored)</value></extraConfig>' +
        '<changeTrackingEnabled>true</changeTrackingEnabled><firmware>efi</firmware>' +
        `<vmProfile xsi:type="VirtualMachineDefinedProfileSpec"><profileId>${VM_ENCRYPTION_POLICY}</profileId></vmProfile>` +
        cryptoSpec('restored-key-1') +
        `</config><pool type="ResourcePool">${pool}</pool></CreateVM_Task>`,
    );
    vm = /<result[^>]*>(vm-[^<]+)<\/result>/.exec(info)?.[1] ?? '';
    expect(vm).not.toBe('');
    const config = await soap.properties('VirtualMachine', vm, ['config']);
    expect(config).toContain('<keyId><keyId>restored-key-1</keyId>');
    expect(config).toContain('<changeTrackingEnabled>true</changeTrackingEnabled>');
    expect(config).toContain('<firmware>efi</firmware>');
    expect(config).toContain('xsi:type="VirtualTPM"');
    expect(config).toContain('vmware:key/list/(restored)');
    expect(await soap.associatedProfiles('virtualMachine', vm)).toEqual([VM_ENCRYPTION_POLICY]);
    const disks = await soap.properties('VirtualMachine', vm, ['config.hardware.device']);
    const second = /xsi:type="VirtualDisk"><key>(\d+)<\/key>(?:(?!xsi:type="VirtualDisk").)*restored-disk-key/.exec(disks);
    expect(second).not.toBeNull();
    expect(await soap.associatedProfiles('virtualDiskId', `${vm}:${second![1]}`)).toEqual([VM_ENCRYPTION_POLICY]);
    // vCenter names disks in the order they were added, not after their keys as the simulator does.
    expect(diskLabels(disks)).toEqual(['Hard disk 1', 'Hard disk 2']);
    const descriptor = join(vmfs, 'restored-encrypted', 'restored-encrypted.vmdk');
    const { stdout } = await run('qemu-img', ['info', '--output=json', descriptor]);
    expect(JSON.parse(stdout)['virtual-size']).toBe(4096 * 1024);
  });

  it('ReconfigVM_Task stores CBT, a new key and a created disk; one value per extraConfig key', async () => {
    const devices = await soap.properties('VirtualMachine', vm, ['config.hardware.device']);
    const pvscsi = controllerKey(devices, 'ParaVirtualSCSIController');
    await soap.task(
      `<ReconfigVM_Task><_this type="VirtualMachine">${vm}</_this><spec>` +
        diskChange(pvscsi, 2, '[LocalDS_0] restored-encrypted/second.vmdk', 2048) +
        '<extraConfig><key>encryption.bundle</key><value xsi:type="xsd:string">vmware:key/list/(second)</value></extraConfig>' +
        '<changeTrackingEnabled>false</changeTrackingEnabled>' +
        cryptoSpec('restored-key-2') +
        '</spec></ReconfigVM_Task>',
    );
    const config = await soap.properties('VirtualMachine', vm, ['config']);
    expect(config).toContain('<changeTrackingEnabled>false</changeTrackingEnabled>');
    expect(config).toContain('<keyId><keyId>restored-key-2</keyId>');
    expect(config).toContain('vmware:key/list/(second)');
    expect(config).not.toContain('vmware:key/list/(restored)');
    const second = join(vmfs, 'restored-encrypted', 'second.vmdk');
    expect(await readFile(second, 'utf8')).toContain('ddb.thinProvisioned = "1"');
    expect((await stat(join(vmfs, 'restored-encrypted', 'second-flat.vmdk'))).size).toBe(2048 * 1024);
    // A disk added later gets the next number.
    expect(diskLabels(await soap.properties('VirtualMachine', vm, ['config.hardware.device']))).toEqual(['Hard disk 1', 'Hard disk 2', 'Hard disk 3']);
  });

  it('the datastore file service stores and returns NVRAM bytes', async () => {
    const nvram = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7) % 256));
    const url = (path: string) => `${lab.info.url.replace(/\/sdk$/, '')}/folder/${path}?dcPath=DC0&dsName=LocalDS_0`;
    const put = await httpsBytes('PUT', url('restored-encrypted/restored-encrypted.nvram'), nvram);
    expect(put.status).toBeLessThan(300);
    expect(existsSync(join(vmfs, 'restored-encrypted', 'restored-encrypted.nvram'))).toBe(true);
    const got = await httpsBytes('GET', url('restored-encrypted/restored-encrypted.nvram'));
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body, nvram)).toBe(0);
  });
});

function httpsBytes(method: string, url: string, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
