import { randomBytes } from 'node:crypto';
import { DiskFormatError, SECTOR_SIZE } from './disk-image';

export type VmdkExtentAccess = 'RW' | 'RDONLY' | 'NOACCESS';
export type VmdkExtentType = 'FLAT' | 'SPARSE' | 'ZERO' | 'VMFS' | 'VMFSSPARSE' | 'VMFSRDM' | 'VMFSRAW';

/** One line of the extent description, e.g. `RW 2048 FLAT "disk-flat.vmdk" 0`. */
export interface VmdkExtentLine {
  access: VmdkExtentAccess;
  /** Length of the extent in sectors. */
  sectors: number;
  type: VmdkExtentType;
  /** File name relative to the descriptor; absent for ZERO extents. */
  fileName?: string;
  /** Sector offset inside the file (FLAT / VMFS). */
  offset?: number;
}

export interface VmdkDescriptor {
  version: number;
  /** Content ID, changes when the disk is written; 32 bits. */
  cid: number;
  /** CID of the parent; 0xffffffff for a disk without a parent. */
  parentCid: number;
  createType: string;
  /** Header keys we do not model (encoding, isNativeSnapshot, parentFileNameHint, …), in order. */
  header: Array<[string, string]>;
  extents: VmdkExtentLine[];
  /** The disk database (`ddb.*` keys), in order. */
  ddb: Map<string, string>;
}

export interface VmdkGeometry {
  cylinders: number;
  heads: number;
  sectors: number;
}

export const NO_PARENT_CID = 0xffffffff;
/** A descriptor larger than this is not a descriptor (guards huge allocations on bad input). */
export const MAX_DESCRIPTOR_BYTES = 1024 * 1024;

const ACCESS = new Set<string>(['RW', 'RDONLY', 'NOACCESS']);
const TYPES = new Set<string>(['FLAT', 'SPARSE', 'ZERO', 'VMFS', 'VMFSSPARSE', 'VMFSRDM', 'VMFSRAW']);
const EXTENT_RE = /^(\S+)\s+(\d+)\s+(\S+)(?:\s+"([^"]*)"(?:\s+(\d+))?)?\s*$/;
const KEY_VALUE_RE = /^([A-Za-z0-9_.]+)\s*=\s*(.*?)\s*$/;

/**
 * Parses a VMware text descriptor. `file` names the source for errors and
 * `baseOffset` is where the text starts in that file (embedded descriptors).
 */
export function parseVmdkDescriptor(text: string, file: string, baseOffset = 0): VmdkDescriptor {
  const desc: VmdkDescriptor = {
    version: 1,
    cid: 0,
    parentCid: NO_PARENT_CID,
    createType: '',
    header: [],
    extents: [],
    ddb: new Map(),
  };
  let sawCid = false;
  let lineStart = 0;
  // Descriptor files and reserved descriptor sectors are often NUL padded.
  const nul = text.indexOf('\0');
  const lines = (nul < 0 ? text : text.slice(0, nul)).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const at = baseOffset + lineStart;
    lineStart += Buffer.byteLength(raw, 'utf8') + 1;
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const fail = (problem: string): never => {
      throw new DiskFormatError(file, at, `descriptor line ${i + 1}: ${problem}: ${JSON.stringify(line.slice(0, 80))}`);
    };
    const extent = EXTENT_RE.exec(line);
    if (extent && ACCESS.has(extent[1] ?? '')) {
      const type = extent[3] ?? '';
      if (!TYPES.has(type)) fail(`unknown extent type ${type}`);
      const sectors = Number(extent[2]);
      if (!Number.isSafeInteger(sectors) || sectors * SECTOR_SIZE > Number.MAX_SAFE_INTEGER) fail('extent size out of range');
      const entry: VmdkExtentLine = { access: extent[1] as VmdkExtentAccess, sectors, type: type as VmdkExtentType };
      if (extent[4] !== undefined) entry.fileName = extent[4];
      if (extent[5] !== undefined) {
        entry.offset = Number(extent[5]);
        if (!Number.isSafeInteger(entry.offset * SECTOR_SIZE)) fail('extent offset out of range');
      }
      if (type !== 'ZERO' && !entry.fileName) fail('extent has no file name');
      desc.extents.push(entry);
      continue;
    }
    const kv = KEY_VALUE_RE.exec(line);
    if (!kv) fail('neither an extent nor a key = value line');
    const key = kv?.[1] ?? '';
    const value = unquote(kv?.[2] ?? '');
    if (key.startsWith('ddb.')) {
      desc.ddb.set(key, value);
    } else if (key === 'version') {
      desc.version = Number(value);
      if (!Number.isInteger(desc.version)) fail('version is not a number');
    } else if (key === 'CID' || key === 'parentCID') {
      if (!/^[0-9a-fA-F]{1,8}$/.test(value)) fail(`${key} is not a 32-bit hex number`);
      if (key === 'CID') {
        desc.cid = parseInt(value, 16);
        sawCid = true;
      } else {
        desc.parentCid = parseInt(value, 16);
      }
    } else if (key === 'createType') {
      desc.createType = value;
    } else {
      desc.header.push([key, value]);
    }
  }
  if (!desc.createType) throw new DiskFormatError(file, baseOffset, 'descriptor has no createType');
  if (!sawCid) throw new DiskFormatError(file, baseOffset, 'descriptor has no CID');
  return desc;
}

/** Renders a descriptor in the layout VMware tools write. */
export function serializeVmdkDescriptor(desc: VmdkDescriptor): string {
  const out: string[] = ['# Disk DescriptorFile', `version=${desc.version}`];
  const encoding = desc.header.find(([k]) => k === 'encoding');
  out.push(`encoding="${encoding?.[1] ?? 'UTF-8'}"`);
  out.push(`CID=${hex8(desc.cid)}`, `parentCID=${hex8(desc.parentCid)}`);
  for (const [key, value] of desc.header) if (key !== 'encoding') out.push(`${key}="${value}"`);
  out.push(`createType="${desc.createType}"`, '', '# Extent description');
  for (const e of desc.extents) {
    let line = `${e.access} ${e.sectors} ${e.type}`;
    if (e.fileName !== undefined) line += ` "${e.fileName}"`;
    if (e.offset !== undefined) line += ` ${e.offset}`;
    out.push(line);
  }
  out.push('', '# The Disk Data Base', '#DDB', '');
  for (const [key, value] of desc.ddb) out.push(`${key} = "${value}"`);
  return out.join('\n') + '\n';
}

export function descriptorAdapterType(desc: VmdkDescriptor): string | undefined {
  return desc.ddb.get('ddb.adapterType');
}

export function descriptorThinProvisioned(desc: VmdkDescriptor): boolean {
  return desc.ddb.get('ddb.thinProvisioned') === '1';
}

export function descriptorUuid(desc: VmdkDescriptor): string | undefined {
  return desc.ddb.get('ddb.uuid');
}

export function descriptorGeometry(desc: VmdkDescriptor): VmdkGeometry | undefined {
  const c = Number(desc.ddb.get('ddb.geometry.cylinders'));
  const h = Number(desc.ddb.get('ddb.geometry.heads'));
  const s = Number(desc.ddb.get('ddb.geometry.sectors'));
  if (![c, h, s].every((n) => Number.isInteger(n) && n > 0)) return undefined;
  return { cylinders: c, heads: h, sectors: s };
}

/** The CHS geometry VMware records for a disk of `capacity` bytes on the given adapter. */
export function geometryFor(capacity: number, adapterType: string): VmdkGeometry {
  const sectors = capacity / SECTOR_SIZE;
  const ide = adapterType === 'ide';
  const heads = ide ? 16 : 255;
  const cylinders = Math.min(Math.max(1, Math.floor(sectors / (heads * 63))), ide ? 16383 : 65535);
  return { cylinders, heads, sectors: 63 };
}

export interface NewDescriptorOptions {
  createType: string;
  extents: VmdkExtentLine[];
  capacity: number;
  adapterType?: string;
  thinProvisioned?: boolean;
  uuid?: string;
  virtualHWVersion?: string;
  cid?: number;
}

/** A fresh descriptor with the ddb keys VMware products expect. */
export function newVmdkDescriptor(options: NewDescriptorOptions): VmdkDescriptor {
  const adapterType = options.adapterType ?? 'lsilogic';
  const geometry = geometryFor(options.capacity, adapterType);
  const ddb = new Map<string, string>([
    ['ddb.adapterType', adapterType],
    ['ddb.geometry.cylinders', String(geometry.cylinders)],
    ['ddb.geometry.heads', String(geometry.heads)],
    ['ddb.geometry.sectors', String(geometry.sectors)],
  ]);
  if (options.thinProvisioned) ddb.set('ddb.thinProvisioned', '1');
  ddb.set('ddb.uuid', options.uuid ?? randomDdbUuid());
  ddb.set('ddb.virtualHWVersion', options.virtualHWVersion ?? '4');
  return {
    version: 1,
    cid: options.cid ?? randomBytes(4).readUInt32LE(0) % 0xfffffffe,
    parentCid: NO_PARENT_CID,
    createType: options.createType,
    header: [['encoding', 'UTF-8']],
    extents: options.extents,
    ddb,
  };
}

function randomDdbUuid(): string {
  const bytes = [...randomBytes(16)].map(hex2);
  return `${bytes.slice(0, 8).join(' ')}-${bytes.slice(8).join(' ')}`;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Sectors reserved after the sparse header for the embedded descriptor (as VMware and qemu-img lay it out). */
export const EMBEDDED_DESCRIPTOR_SECTORS = 20;

/**
 * The text descriptor a hosted sparse or streamOptimized file carries inside
 * itself, one SPARSE extent naming the file; checked to fit its reserved sectors.
 */
export function embeddedDescriptor(
  createType: 'monolithicSparse' | 'streamOptimized',
  fileName: string,
  capacity: number,
  options: { adapterType?: string; uuid?: string },
): Buffer {
  const descriptor = newVmdkDescriptor({
    createType,
    extents: [{ access: 'RW', sectors: capacity / 512, type: 'SPARSE', fileName }],
    capacity,
    adapterType: options.adapterType,
    uuid: options.uuid,
  });
  const text = Buffer.from(serializeVmdkDescriptor(descriptor));
  if (text.length >= EMBEDDED_DESCRIPTOR_SECTORS * 512) throw new RangeError('descriptor does not fit its reserved sectors');
  return text;
}
