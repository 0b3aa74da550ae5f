import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A disk controller of the OVF's VirtualHardwareSection. */
export interface OvfController {
  instanceId: string;
  /** VMware's controller type name, e.g. ParaVirtualSCSIController, VirtualLsiLogicController, VirtualIDEController. */
  type: string;
  busNumber: number;
}

export interface OvfDisk {
  diskId: string;
  /** The Item's ElementName ("Hard disk 1") or the disk id. */
  label: string;
  capacity: number;
  /** href of the referenced File (the .vmdk inside the OVA); null for a disk without content. */
  file: string | null;
  populatedSize: number | null;
  controller: { type: string; busNumber: number; unitNumber: number };
}

/** What an import takes from an .ovf: the first VirtualSystem. */
export interface OvfDescriptor {
  name: string;
  guestOs: { id: number | null; osType: string | null; description: string | null };
  firmware: 'bios' | 'efi' | null;
  numCpus: number | null;
  memoryMB: number | null;
  controllers: OvfController[];
  disks: OvfDisk[];
}

export class OvfFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'OvfFormatError';
  }
}

type Node = Record<string, unknown>;

const ARRAYS = new Set(['File', 'Disk', 'Item', 'Config', 'VirtualSystem', 'ExtraConfig', 'StorageItem']);

function attr(node: Node | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  return v === undefined || v === null ? undefined : String(v);
}

/** Text of a child element (fast-xml-parser gives `#text` when it has attributes). */
function child(node: Node | undefined, name: string): string | undefined {
  const v = node?.[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') {
    const t = (v as Node)['#text'];
    return t === undefined ? undefined : String(t);
  }
  return String(v);
}

function list(v: unknown): Node[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as Node[];
}

/** "byte", "byte * 2^30", "GigaBytes"… → multiplier. */
export function allocationUnits(units: string | undefined): number {
  if (!units) return 1;
  const compact = units.replace(/\s+/g, '').toLowerCase();
  const power = /^byte\*(\d+)\^(\d+)$/.exec(compact);
  if (power) return Number(power[1]) ** Number(power[2]);
  const named: Record<string, number> = {
    byte: 1,
    bytes: 1,
    kilobytes: 1024,
    megabytes: 1024 ** 2,
    gigabytes: 1024 ** 3,
    terabytes: 1024 ** 4,
  };
  const value = named[compact];
  if (value === undefined) throw new Error(`unknown capacityAllocationUnits "${units}"`);
  return value;
}

/** VMware controller type from CIM ResourceType + ResourceSubType (DSP0004 / VMware OVF conventions). */
function controllerType(resourceType: number, subType: string | undefined): string | null {
  const sub = (subType ?? '').toLowerCase();
  if (resourceType === 5) return 'VirtualIDEController';
  if (resourceType === 6) {
    if (sub === 'virtualscsi') return 'ParaVirtualSCSIController';
    if (sub === 'lsilogicsas') return 'VirtualLsiLogicSASController';
    if (sub === 'buslogic') return 'VirtualBusLogicController';
    return 'VirtualLsiLogicController';
  }
  if (resourceType === 20) return sub.includes('nvme') ? 'VirtualNVMEController' : 'VirtualAHCIController';
  return null;
}

/** Parses the OVF XML of an OVA (namespace prefixes dropped; OVF 1.x and 2.x). */
export function parseOvfDescriptor(xml: string, file: string): OvfDescriptor {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new OvfFormatError(file, `not well-formed XML at line ${valid.err.line}: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(xml) as Node;
  const envelope = doc.Envelope as Node | undefined;
  if (!envelope) throw new OvfFormatError(file, 'no <Envelope> element: this is not an OVF descriptor');
  const systems = [
    ...list(envelope.VirtualSystem),
    ...list((envelope.VirtualSystemCollection as Node | undefined)?.VirtualSystem),
  ];
  const system = systems[0];
  if (!system) throw new OvfFormatError(file, 'the envelope holds no <VirtualSystem>');

  const files = new Map(
    list((envelope.References as Node | undefined)?.File).map((f) => [attr(f, 'id') ?? '', attr(f, 'href') ?? '']),
  );
  const diskDefs = new Map(list((envelope.DiskSection as Node | undefined)?.Disk).map((d) => [attr(d, 'diskId') ?? '', d]));

  const hardware = list(system.VirtualHardwareSection)[0];
  if (!hardware) throw new OvfFormatError(file, 'the VirtualSystem has no <VirtualHardwareSection>');
  const items = [...list(hardware.Item), ...list(hardware.StorageItem)];
  const firmwareConfig = list(hardware.Config).find((c) => attr(c, 'key') === 'firmware');
  const firmwareValue = attr(firmwareConfig, 'value')?.toLowerCase();

  const controllers: OvfController[] = [];
  let cpus: number | null = null;
  let memoryMB: number | null = null;
  for (const item of items) {
    const resourceType = Number(child(item, 'ResourceType'));
    if (resourceType === 3) cpus = Number(child(item, 'VirtualQuantity')) || null;
    if (resourceType === 4) memoryMB = Number(child(item, 'VirtualQuantity')) || null;
    const type = controllerType(resourceType, child(item, 'ResourceSubType'));
    if (type) {
      controllers.push({
        instanceId: child(item, 'InstanceID') ?? '',
        type,
        busNumber: Number(child(item, 'Address') ?? 0) || 0,
      });
    }
  }

  const disks: OvfDisk[] = [];
  for (const item of items) {
    if (Number(child(item, 'ResourceType')) !== 17) continue;
    const host = child(item, 'HostResource') ?? '';
    const diskId = host.replace(/^ovf:\/disk\//, '').replace(/^\/disk\//, '');
    const def = diskDefs.get(diskId);
    if (!def)
      throw new OvfFormatError(
        file,
        `disk item "${child(item, 'ElementName') ?? '?'}" names ${host || 'no disk'}, which DiskSection does not define`,
      );
    const units = attr(def, 'capacityAllocationUnits');
    let unitBytes: number;
    try {
      unitBytes = allocationUnits(units);
    } catch {
      throw new OvfFormatError(file, `disk ${diskId} has unknown capacityAllocationUnits "${units ?? ''}"`);
    }
    const capacity = Number(attr(def, 'capacity')) * unitBytes;
    if (!Number.isSafeInteger(capacity) || capacity <= 0)
      throw new OvfFormatError(file, `disk ${diskId} has no usable capacity ("${attr(def, 'capacity') ?? ''}")`);
    const fileRef = attr(def, 'fileRef');
    const href = fileRef ? files.get(fileRef) : undefined;
    if (fileRef && !href)
      throw new OvfFormatError(file, `disk ${diskId} refers to file id "${fileRef}", which References does not list`);
    const parent = controllers.find((c) => c.instanceId === child(item, 'Parent'));
    const populated = attr(def, 'populatedSize');
    disks.push({
      diskId,
      label: child(item, 'ElementName') ?? diskId,
      capacity,
      file: href ?? null,
      populatedSize: populated === undefined ? null : Number(populated),
      controller: {
        type: parent?.type ?? 'unknown',
        busNumber: parent?.busNumber ?? 0,
        unitNumber: Number(child(item, 'AddressOnParent') ?? 0) || 0,
      },
    });
  }

  const os = list(system.OperatingSystemSection)[0];
  const osId = attr(os, 'id');
  return {
    name: child(system, 'Name') ?? attr(system, 'id') ?? 'imported-vm',
    guestOs: {
      id: osId === undefined ? null : Number(osId),
      osType: attr(os, 'osType') ?? null,
      description: child(os, 'Description') ?? null,
    },
    firmware: firmwareValue === 'efi' ? 'efi' : firmwareValue === 'bios' ? 'bios' : null,
    numCpus: cpus,
    memoryMB,
    controllers,
    disks,
  };
}
