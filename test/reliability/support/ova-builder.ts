/**
 * Builds OVA (tar) archives byte for byte for import tests, including damaged
 * ones: every header field can be overridden with raw bytes.
 */

export interface TarField {
  /** Byte offset inside the 512-byte header. */
  at: number;
  bytes: Buffer;
}

export interface TarEntrySpec {
  name: string;
  data?: Buffer;
  /** Typeflag: '0' file, '2' symlink, '1' hard link, '5' folder, 'x' pax, 'L' GNU long name. */
  type?: string;
  linkName?: string;
  /** Size written in the header when it should differ from data.length. */
  claimedSize?: number;
  /** Raw overrides applied before the checksum is computed. */
  fields?: TarField[];
  /** Leave the checksum wrong. */
  badChecksum?: boolean;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

export function tarHeader(spec: TarEntrySpec): Buffer {
  const h = Buffer.alloc(512);
  h.write(spec.name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(octal(spec.claimedSize ?? spec.data?.length ?? 0, 12), 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write(spec.type ?? '0', 156, 'ascii');
  if (spec.linkName) h.write(spec.linkName.slice(0, 100), 157, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  for (const f of spec.fields ?? []) f.bytes.copy(h, f.at);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(spec.badChecksum ? sum + 1 : sum, 7) + ' ', 148, 'ascii');
  return h;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** A whole archive: each entry's header and padded data, then the two zero blocks. */
export function tarArchive(entries: TarEntrySpec[], options: { endBlocks?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) parts.push(tarHeader(e), padded(e.data ?? Buffer.alloc(0)));
  if (options.endBlocks ?? true) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface OvfDiskSpec {
  file: string;
  capacity: string;
  units?: string;
}

/** A minimal OVF descriptor with one VM and the given disks on one SCSI controller. */
export function ovfXml(disks: OvfDiskSpec[], name = 'imported-vm'): string {
  const ns =
    'xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" ' +
    'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" ' +
    'xmlns:vmw="http://www.vmware.com/schema/ovf"';
  const refs = disks.map((d, i) => `<File ovf:href="${d.file}" ovf:id="file${i}"/>`).join('');
  const defs = disks
    .map(
      (d, i) =>
        `<Disk ovf:capacity="${d.capacity}"${d.units ? ` ovf:capacityAllocationUnits="${d.units}"` : ''} ovf:diskId="disk${i}" ovf:fileRef="file${i}"/>`,
    )
    .join('');
  const items = disks
    .map(
      (_d, i) =>
        `<Item><rasd:AddressOnParent>${i}</rasd:AddressOnParent><rasd:ElementName>Hard disk ${i + 1}</rasd:ElementName><rasd:HostResource>ovf:/disk/disk${i}</rasd:HostResource><rasd:InstanceID>${10 + i}</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>`,
    )
    .join('');
  return `<?xml version="1.0"?><Envelope ${ns}><References>${refs}</References><DiskSection><Info>disks</Info>${defs}</DiskSection>
<VirtualSystem ovf:id="${name}"><Info>vm</Info><Name>${name}</Name>
<VirtualHardwareSection><Info>hw</Info>
<Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
${items}
</VirtualHardwareSection></VirtualSystem></Envelope>`;
}

/** A monolithicFlat descriptor with one FLAT extent line as given. */
export function flatDescriptor(extentLine: string): string {
  return [
    '# Disk DescriptorFile',
    'version=1',
    'CID=fffffffe',
    'parentCID=ffffffff',
    'createType="monolithicFlat"',
    '',
    '# Extent description',
    extentLine,
    '',
    'ddb.adapterType = "lsilogic"',
    '',
  ].join('\n');
}
