import { describe, expect, it } from 'vitest';
import { DiskFormatError } from '../../../electron/disks/disk-image';
import {
  NO_PARENT_CID,
  descriptorAdapterType,
  descriptorGeometry,
  descriptorThinProvisioned,
  descriptorUuid,
  geometryFor,
  newVmdkDescriptor,
  parseVmdkDescriptor,
  serializeVmdkDescriptor,
} from '../../../electron/disks/vmdk-descriptor';

const ESXI_DESCRIPTOR = `# Disk DescriptorFile
version=1
encoding="UTF-8"
CID=7a3c11f0
parentCID=ffffffff
isNativeSnapshot="no"
createType="vmfs"

# Extent description
RW 41943040 VMFS "web01-flat.vmdk"

# The Disk Data Base
#DDB

ddb.adapterType = "lsilogic"
ddb.geometry.cylinders = "2610"
ddb.geometry.heads = "255"
ddb.geometry.sectors = "63"
ddb.longContentID = "4ac1d3e2b9f0a1c27a3c11f0fffffffe"
ddb.thinProvisioned = "1"
ddb.uuid = "60 00 C2 9b 1e 4d 7c 61-3a 55 0f 2b 8e 19 d4 70"
ddb.virtualHWVersion = "19"
`;

describe('VMware descriptor parsing', () => {
  it('reads header keys, extents and the disk database of an ESXi descriptor', () => {
    const d = parseVmdkDescriptor(ESXI_DESCRIPTOR, 'web01.vmdk');
    expect(d.cid).toBe(0x7a3c11f0);
    expect(d.parentCid).toBe(NO_PARENT_CID);
    expect(d.createType).toBe('vmfs');
    expect(d.header).toContainEqual(['isNativeSnapshot', 'no']);
    expect(d.extents).toEqual([{ access: 'RW', sectors: 41943040, type: 'VMFS', fileName: 'web01-flat.vmdk' }]);
    expect(descriptorAdapterType(d)).toBe('lsilogic');
    expect(descriptorGeometry(d)).toEqual({ cylinders: 2610, heads: 255, sectors: 63 });
    expect(descriptorThinProvisioned(d)).toBe(true);
    expect(descriptorUuid(d)).toBe('60 00 C2 9b 1e 4d 7c 61-3a 55 0f 2b 8e 19 d4 70');
    expect(d.ddb.get('ddb.virtualHWVersion')).toBe('19');
  });

  it('reads every access mode and extent type, with and without offsets, CRLF line ends and NUL padding', () => {
    const text =
      [
        '# Disk DescriptorFile',
        'version=1',
        'CID=fffffffe',
        'parentCID=0000abcd',
        'createType="twoGbMaxExtentFlat"',
        'RW 4192256 FLAT "big-f001.vmdk" 0',
        'RDONLY 2048 FLAT "big-f002.vmdk" 128',
        'NOACCESS 1024 SPARSE "big-s003.vmdk"',
        'RW 2048 ZERO',
        'RW 100 VMFSSPARSE "delta.vmdk"',
        '',
      ].join('\r\n') + '\0\0\0\0';
    const d = parseVmdkDescriptor(text, 'big.vmdk');
    expect(d.parentCid).toBe(0xabcd);
    expect(d.extents.map((e) => [e.access, e.type, e.offset, e.fileName])).toEqual([
      ['RW', 'FLAT', 0, 'big-f001.vmdk'],
      ['RDONLY', 'FLAT', 128, 'big-f002.vmdk'],
      ['NOACCESS', 'SPARSE', undefined, 'big-s003.vmdk'],
      ['RW', 'ZERO', undefined, undefined],
      ['RW', 'VMFSSPARSE', undefined, 'delta.vmdk'],
    ]);
  });

  it('round-trips through the serialiser', () => {
    const first = parseVmdkDescriptor(ESXI_DESCRIPTOR, 'a.vmdk');
    const again = parseVmdkDescriptor(serializeVmdkDescriptor(first), 'b.vmdk');
    expect(again).toEqual(first);
  });

  it('writes fresh descriptors with geometry for the adapter', () => {
    const capacity = 10 * 1024 * 1024 * 1024;
    const d = newVmdkDescriptor({
      createType: 'monolithicFlat',
      extents: [{ access: 'RW', sectors: capacity / 512, type: 'FLAT', fileName: 'x-flat.vmdk', offset: 0 }],
      capacity,
      adapterType: 'ide',
      thinProvisioned: true,
      cid: 0x1234,
    });
    const text = serializeVmdkDescriptor(d);
    expect(text).toMatch(/^# Disk DescriptorFile\n/);
    expect(text).toContain('CID=00001234\n');
    expect(text).toContain('RW 20971520 FLAT "x-flat.vmdk" 0\n');
    expect(text).toContain('ddb.adapterType = "ide"');
    expect(text).toContain('ddb.thinProvisioned = "1"');
    expect(text).toMatch(/ddb\.uuid = "([0-9a-f]{2} ){7}[0-9a-f]{2}-([0-9a-f]{2} ){7}[0-9a-f]{2}"/);
    expect(geometryFor(capacity, 'ide')).toEqual({ cylinders: 16383, heads: 16, sectors: 63 });
    expect(geometryFor(capacity, 'lsilogic')).toEqual({ cylinders: 1305, heads: 255, sectors: 63 });
  });

  it.each([
    ['a line that is neither extent nor key', 'CID=1\ncreateType="vmfs"\nthis is not valid\n', 3, 24],
    ['an unknown extent type', 'CID=1\ncreateType="vmfs"\nRW 10 TAPE "x"\n', 3, 24],
    ['a non-hex CID', 'CID=xyz\ncreateType="vmfs"\n', 1, 0],
    ['an extent without a file name', 'CID=1\ncreateType="vmfs"\nRW 10 FLAT\n', 3, 24],
  ])('rejects %s with the line number and its byte offset', (_name, text, line, offset) => {
    let caught: unknown;
    try {
      parseVmdkDescriptor(text, 'bad.vmdk', 0);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DiskFormatError);
    const e = caught as DiskFormatError;
    expect(e.problem).toContain(`line ${line}`);
    expect(e.offset).toBe(offset);
    expect(e.message).toContain('bad.vmdk');
  });

  it('rejects descriptors without createType or CID, offsetting embedded descriptors', () => {
    expect(() => parseVmdkDescriptor('CID=1\n', 'x', 512)).toThrow(/no createType/);
    expect(() => parseVmdkDescriptor('createType="vmfs"\n', 'x', 512)).toThrow(/at byte 512: descriptor has no CID/);
  });
});
