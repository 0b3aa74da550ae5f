import { appendFile, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { LabSoapSession, postSoap } from './soap-probe';

// The lab VDDK's change log (native/labvddk/lab-change-log.c): `w <seq> <startSector> <numSectors>` per write.
let lab: RunningLab;
let soap: LabSoapSession;
let vm = '';
let diskKey = 0;
let vmDir = '';

beforeAll(async () => {
  lab = await startVcsim({ mode: 'vcenter', vms: 0 });
  soap = await LabSoapSession.login(lab.info.url, lab.info.username, lab.info.password);
  vmDir = join(lab.info.datastores.find((d) => d.name === 'LocalDS_0')!.folder, 'cbt-vm');
  const folder = await soap.findByPath('DC0/vm');
  const pool = await soap.findByPath('DC0/host/DC0_C0/Resources');
  const info = await soap.task(
    // Elements in WSDL order, as vCenter (and the lab) require.
    `<CreateVM_Task><_this type="Folder">${folder}</_this><config><name>cbt-vm</name><guestId>otherLinux64Guest</guestId>` +
      '<files><vmPathName>[LocalDS_0]</vmPathName></files>' +
      '<deviceChange><operation>add</operation><device xsi:type="ParaVirtualSCSIController"><key>-100</key><busNumber>0</busNumber><sharedBus>noSharing</sharedBus></device></deviceChange>' +
      '<deviceChange><operation>add</operation><fileOperation>create</fileOperation><device xsi:type="VirtualDisk"><key>-1</key>' +
      '<backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[LocalDS_0] cbt-vm/cbt-vm.vmdk</fileName><diskMode>persistent</diskMode><thinProvisioned>true</thinProvisioned></backing>' +
      '<controllerKey>-100</controllerKey><unitNumber>0</unitNumber><capacityInKB>8192</capacityInKB></device></deviceChange>' +
      '<changeTrackingEnabled>true</changeTrackingEnabled>' +
      `</config><pool type="ResourcePool">${pool}</pool></CreateVM_Task>`,
  );
  vm = /<result[^>]*>(vm-[^<]+)<\/result>/.exec(info)![1]!;
  const devices = await soap.properties('VirtualMachine', vm, ['config.hardware.device']);
  diskKey = Number(/xsi:type="VirtualDisk"><key>(\d+)<\/key>/.exec(devices)![1]);
});
afterAll(async () => {
  await lab?.stop();
});

async function snapshot(name: string): Promise<{ ref: string; changeId: string }> {
  const info = await soap.task(
    `<CreateSnapshot_Task><_this type="VirtualMachine">${vm}</_this><name>${name}</name><memory>false</memory><quiesce>false</quiesce></CreateSnapshot_Task>`,
  );
  const ref = /<result[^>]*>(snapshot-[^<]+)<\/result>/.exec(info)![1]!;
  const devices = await soap.properties('VirtualMachineSnapshot', ref, ['config.hardware.device']);
  const changeId = /<changeId>([^<]+)<\/changeId>/.exec(devices)?.[1] ?? '';
  return { ref, changeId };
}

const query = (snap: string, changeId: string, startOffset = 0) =>
  `<QueryChangedDiskAreas><_this type="VirtualMachine">${vm}</_this><snapshot type="VirtualMachineSnapshot">${snap}</snapshot>` +
  `<deviceKey>${diskKey}</deviceKey><startOffset>${startOffset}</startOffset><changeId>${changeId}</changeId></QueryChangedDiskAreas>`;

function areas(xml: string): Array<[number, number]> {
  return [...xml.matchAll(/<changedArea><start>(\d+)<\/start><length>(\d+)<\/length><\/changedArea>/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
}

describe('QueryChangedDiskAreas over the lab change log', () => {
  let first: { ref: string; changeId: string };
  let second: { ref: string; changeId: string };
  let epoch = '';

  it('stamps snapshot disks with a change ID and "*" returns the allocated areas', async () => {
    const flat = await open(join(vmDir, 'cbt-vm-flat.vmdk'), 'r+');
    await flat.write(Buffer.alloc(65536, 0xab), 0, 65536, 0);
    await flat.close();
    first = await snapshot('full');
    expect(first.changeId).toMatch(/^[0-9a-f]{16}\/0$/);
    epoch = first.changeId.split('/')[0]!;
    expect(await readFile(join(vmDir, 'cbt-vm-lab-ctk.log'), 'utf8')).toContain(`epoch ${epoch}`);

    const all = await soap.call(query(first.ref, '*'));
    expect(all).toContain('<startOffset>0</startOffset><length>8388608</length>');
    const found = areas(all);
    expect(found.length).toBeGreaterThanOrEqual(1);
    expect(found[0]![0]).toBe(0);
    expect(found.reduce((n, [, len]) => n + len, 0)).toBeLessThan(8 << 20);
  });

  it('returns the merged writes between two change IDs, not later ones', async () => {
    const log = join(vmDir, 'cbt-vm-lab-ctk.log');
    await appendFile(log, 'w 1 2048 128\nw 2 2100 8\nw 3 8000 8\n');
    second = await snapshot('incremental');
    expect(second.changeId).toBe(`${epoch}/3`);
    await appendFile(log, 'w 4 100 8\n'); // after the snapshot: not part of it

    expect(areas(await soap.call(query(second.ref, first.changeId)))).toEqual([
      [1048576, 65536],
      [4096000, 4096],
    ]);
    expect(areas(await soap.call(query(second.ref, `${epoch}/1`)))).toEqual([
      [1075200, 4096],
      [4096000, 4096],
    ]);
    expect(areas(await soap.call(query(second.ref, first.changeId, 2 << 20)))).toEqual([[4096000, 4096]]);
  });

  it('refuses a change ID from another epoch, and callers that are not logged in', async () => {
    await expect(soap.call(query(second.ref, '0000000000000000/0'))).rejects.toThrow(/InvalidArgument/);
    await expect(soap.call(query(second.ref, 'garbage'))).rejects.toThrow(/InvalidArgument/);
    const anonymous = await postSoap(lab.info.url, query(second.ref, first.changeId));
    expect(anonymous.status).toBe(500);
    expect(anonymous.body).toContain('NotAuthenticated');
  });
});
