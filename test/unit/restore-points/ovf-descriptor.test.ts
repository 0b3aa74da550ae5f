import { describe, expect, it } from 'vitest';
import { allocationUnits, OvfFormatError, parseOvfDescriptor } from '../../../electron/restore-points/ovf-descriptor';

const NS =
  'xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" ' +
  'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" ' +
  'xmlns:vmw="http://www.vmware.com/schema/ovf"';

function envelope(
  body: string,
  refs = '<File ovf:href="a-disk1.vmdk" ovf:id="file1"/><File ovf:href="a-disk2.vmdk" ovf:id="file2"/>',
): string {
  return `<?xml version="1.0"?><Envelope ${NS}><References>${refs}</References>
  <DiskSection><Info>disks</Info>
    <Disk ovf:capacity="40" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:populatedSize="123"/>
    <Disk ovf:capacity="1048576" ovf:diskId="vmdisk2" ovf:fileRef="file2"/>
  </DiskSection>${body}</Envelope>`;
}

const HARDWARE = `<VirtualHardwareSection><Info>hw</Info>
  <Item><rasd:Address>1</rasd:Address><rasd:ElementName>SCSI controller 1</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogicsas</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
  <Item><rasd:Address>0</rasd:Address><rasd:ElementName>IDE 0</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceType>5</rasd:ResourceType></Item>
  <Item><rasd:AddressOnParent>2</rasd:AddressOnParent><rasd:ElementName>Hard disk 1</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>8</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
  <Item><rasd:AddressOnParent>1</rasd:AddressOnParent><rasd:ElementName>Hard disk 2</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk2</rasd:HostResource><rasd:InstanceID>9</rasd:InstanceID><rasd:Parent>5</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
  <vmw:Config ovf:required="false" vmw:key="cpuHotAddEnabled" vmw:value="false"/>
  <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="bios"/>
</VirtualHardwareSection>`;

describe('OVF descriptor', () => {
  it('reads name, guest OS, firmware, controllers and disks with units and file references', () => {
    const ovf = parseOvfDescriptor(
      envelope(`<VirtualSystem ovf:id="vm1"><Info>vm</Info><Name>db-02</Name>
        <OperatingSystemSection ovf:id="94" vmw:osType="ubuntu64Guest"><Info>os</Info><Description>Ubuntu Linux (64-bit)</Description></OperatingSystemSection>
        ${HARDWARE}</VirtualSystem>`),
      'x.ovf',
    );
    expect(ovf.name).toBe('db-02');
    expect(ovf.guestOs).toEqual({ id: 94, osType: 'ubuntu64Guest', description: 'Ubuntu Linux (64-bit)' });
    expect(ovf.firmware).toBe('bios');
    expect(ovf.controllers.map((c) => c.type)).toEqual(['VirtualLsiLogicSASController', 'VirtualIDEController']);
    expect(ovf.disks).toEqual([
      {
        diskId: 'vmdisk1',
        label: 'Hard disk 1',
        capacity: 40 * 1024 ** 3,
        file: 'a-disk1.vmdk',
        populatedSize: 123,
        controller: { type: 'VirtualLsiLogicSASController', busNumber: 1, unitNumber: 2 },
      },
      {
        diskId: 'vmdisk2',
        label: 'Hard disk 2',
        capacity: 1048576,
        file: 'a-disk2.vmdk',
        populatedSize: null,
        controller: { type: 'VirtualIDEController', busNumber: 0, unitNumber: 1 },
      },
    ]);
  });

  it('takes the first VirtualSystem of a collection; no firmware Config means unknown', () => {
    const hw = HARDWARE.replace(/<vmw:Config[^>]*firmware[^>]*\/>/, '');
    const ovf = parseOvfDescriptor(
      envelope(
        `<VirtualSystemCollection ovf:id="vapp"><Info>c</Info><VirtualSystem ovf:id="first"><Info>vm</Info>${hw}</VirtualSystem></VirtualSystemCollection>`,
      ),
      'x.ovf',
    );
    expect(ovf.name).toBe('first');
    expect(ovf.firmware).toBeNull();
  });

  it('converts allocation units', () => {
    expect(allocationUnits(undefined)).toBe(1);
    expect(allocationUnits('byte * 2^20')).toBe(1024 ** 2);
    expect(allocationUnits('byte*2^30')).toBe(1024 ** 3);
    expect(allocationUnits('GigaBytes')).toBe(1024 ** 3);
    expect(() => allocationUnits('furlongs')).toThrow(/unknown capacityAllocationUnits/);
  });

  it('names what is wrong with a bad descriptor', () => {
    expect(() => parseOvfDescriptor('<Envelope><VirtualSystem>', 'bad.ovf')).toThrow(OvfFormatError);
    expect(() => parseOvfDescriptor('<Envelope><VirtualSystem>', 'bad.ovf')).toThrow(/bad\.ovf: not well-formed XML at line/);
    expect(() => parseOvfDescriptor('<Other/>', 'o.ovf')).toThrow(/not an OVF descriptor/);
    expect(() => parseOvfDescriptor(envelope(''), 'e.ovf')).toThrow(/no <VirtualSystem>/);
    expect(() =>
      parseOvfDescriptor(envelope(`<VirtualSystem ovf:id="v"><Info>vm</Info>${HARDWARE}</VirtualSystem>`, ''), 'r.ovf'),
    ).toThrow(/refers to file id "file1", which References does not list/);
  });
});
