import { SECTOR_SIZE } from '../disks/disk-image';

/**
 * Synthetic but well-formed disk content for the demo restore point: an MBR
 * with a disk signature and partition table, a protective MBR + GPT (header
 * CRCs correct), NTFS-like boot sectors and deterministic pseudo-random data.
 * Nothing here is a real Windows disk; it only has to look right to the
 * disk-signature check (STEP-WINDOWS-SIGNATURE) and to tools such as fdisk.
 */

/** A region of disk content at a byte offset (sector aligned). */
export interface DiskRegion {
  offset: number;
  data: Buffer;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as the GPT header uses. */
export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** xorshift32: the same bytes on every run, so demo points deduplicate and tests can predict them. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    if (i + 4 <= length) out.writeUInt32LE(x, i);
    else for (let j = 0; i + j < length; j++) out[i + j] = (x >>> (8 * j)) & 0xff;
  }
  return out;
}

/** GUID text → the mixed-endian 16 bytes GPT stores. */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8, 16),
  ]);
}

export interface MbrPartition {
  bootable: boolean;
  type: number;
  firstLba: number;
  sectors: number;
}

/** CHS fields of a partition entry: LBA beyond the CHS range is written as the 1023/254/63 maximum. */
function chs(lba: number): Buffer {
  const heads = 255;
  const spt = 63;
  const c = Math.floor(lba / (heads * spt));
  if (c > 1023) return Buffer.from([0xfe, 0xff, 0xff]);
  const h = Math.floor(lba / spt) % heads;
  const s = (lba % spt) + 1;
  return Buffer.from([h, ((c >> 2) & 0xc0) | s, c & 0xff]);
}

/** Sector 0: boot code stand-in, the disk signature at bytes 440..443, four partition entries, 0x55AA. */
export function masterBootRecord(diskSignature: number, partitions: MbrPartition[]): Buffer {
  const mbr = Buffer.alloc(SECTOR_SIZE);
  // A real MBR starts with x86 code; these bytes are cli / xor ax,ax / mov ss,ax then filler.
  Buffer.from([0xfa, 0x33, 0xc0, 0x8e, 0xd0, 0xbc, 0x00, 0x7c]).copy(mbr, 0);
  mbr.write('Lifeboat demo disk: synthetic boot code', 0x60, 'ascii');
  mbr.writeUInt32LE(diskSignature >>> 0, 440);
  partitions.slice(0, 4).forEach((p, i) => {
    const at = 446 + i * 16;
    mbr[at] = p.bootable ? 0x80 : 0x00;
    chs(p.firstLba).copy(mbr, at + 1);
    mbr[at + 4] = p.type;
    chs(p.firstLba + p.sectors - 1).copy(mbr, at + 5);
    mbr.writeUInt32LE(p.firstLba, at + 8);
    mbr.writeUInt32LE(Math.min(p.sectors, 0xffffffff), at + 12);
  });
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}

/** An NTFS-looking volume boot sector (BPB fields a tool would read; code is filler). */
export function ntfsBootSector(hiddenSectors: number, totalSectors: number, serial: bigint): Buffer {
  const s = Buffer.alloc(SECTOR_SIZE);
  Buffer.from([0xeb, 0x52, 0x90]).copy(s, 0);
  s.write('NTFS    ', 3, 'ascii');
  s.writeUInt16LE(512, 11); // bytes per sector
  s[13] = 8; // sectors per cluster
  s[21] = 0xf8; // fixed disk
  s.writeUInt16LE(63, 24);
  s.writeUInt16LE(255, 26);
  s.writeUInt32LE(hiddenSectors, 28);
  s.writeUInt32LE(0x800080, 36);
  s.writeBigUInt64LE(BigInt(totalSectors - 1), 40);
  s.writeBigUInt64LE(786432n, 48); // $MFT cluster
  s.writeBigUInt64LE(2n, 56); // $MFTMirr cluster
  s[64] = 0xf6; // 1 KiB file records
  s[68] = 0x01;
  s.writeBigUInt64LE(serial, 72);
  s.write('Lifeboat demo volume (synthetic)', 0x54, 'ascii');
  s[510] = 0x55;
  s[511] = 0xaa;
  return s;
}

/** A few MFT-like file records ("FILE0" headers) for the start of $MFT. */
export function mftRecords(count: number, seed: number): Buffer {
  const out = Buffer.alloc(count * 1024);
  for (let i = 0; i < count; i++) {
    const r = out.subarray(i * 1024, (i + 1) * 1024);
    r.write('FILE0', 0, 'ascii');
    r.writeUInt16LE(0x30, 4);
    r.writeUInt16LE(3, 6);
    r.writeUInt16LE(1, 16);
    r.writeUInt16LE(0x38, 20);
    r.writeUInt16LE(1, 22);
    r.writeUInt32LE(0x1a0, 24);
    r.writeUInt32LE(1024, 28);
    r.writeUInt32LE(i, 44);
    pseudoRandomBytes(256, seed + i).copy(r, 0x60);
    r.writeUInt32LE(0xffffffff, 0x160);
  }
  return out;
}

const BASIC_DATA_TYPE = 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7';
const ENTRY_COUNT = 128;
const ENTRY_SIZE = 128;

/**
 * Protective MBR, primary GPT (LBA 1 header, LBA 2..33 entries) and backup GPT
 * (entries before the last LBA, header on it) for one basic-data partition.
 */
export function gptLayout(capacity: number, diskGuid: string, partGuid: string, name: string): DiskRegion[] {
  const lastLba = capacity / SECTOR_SIZE - 1;
  const entrySectors = (ENTRY_COUNT * ENTRY_SIZE) / SECTOR_SIZE;
  const firstUsable = 2 + entrySectors;
  const lastUsable = lastLba - entrySectors - 1;
  const entries = Buffer.alloc(ENTRY_COUNT * ENTRY_SIZE);
  guidBytes(BASIC_DATA_TYPE).copy(entries, 0);
  guidBytes(partGuid).copy(entries, 16);
  entries.writeBigUInt64LE(2048n, 32);
  entries.writeBigUInt64LE(BigInt(lastUsable), 40);
  entries.write(name, 56, 'utf16le');
  const entriesCrc = crc32(entries);

  const header = (myLba: number, otherLba: number, entriesLba: number): Buffer => {
    const h = Buffer.alloc(SECTOR_SIZE);
    h.write('EFI PART', 0, 'ascii');
    h.writeUInt32LE(0x00010000, 8);
    h.writeUInt32LE(92, 12);
    h.writeBigUInt64LE(BigInt(myLba), 24);
    h.writeBigUInt64LE(BigInt(otherLba), 32);
    h.writeBigUInt64LE(BigInt(firstUsable), 40);
    h.writeBigUInt64LE(BigInt(lastUsable), 48);
    guidBytes(diskGuid).copy(h, 56);
    h.writeBigUInt64LE(BigInt(entriesLba), 72);
    h.writeUInt32LE(ENTRY_COUNT, 80);
    h.writeUInt32LE(ENTRY_SIZE, 84);
    h.writeUInt32LE(entriesCrc, 88);
    h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
    return h;
  };

  const protective = masterBootRecord(0, [{ bootable: false, type: 0xee, firstLba: 1, sectors: lastLba }]);
  return [
    { offset: 0, data: Buffer.concat([protective, header(1, lastLba, 2), entries]) },
    {
      offset: (lastLba - entrySectors) * SECTOR_SIZE,
      data: Buffer.concat([entries, header(lastLba, 1, lastLba - entrySectors)]),
    },
  ];
}
