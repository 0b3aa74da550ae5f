import { open, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StreamOptimizedWriter } from '../../electron/disks/stream-optimized-writer';
import { VmdkSparseImage } from '../../electron/disks/vmdk-sparse-image';
import { flatDescriptor, ovfXml, tarArchive, tarHeader, type TarEntrySpec } from './support/ova-builder';

/** One damaged or hostile import input; `build` writes it into `dir` and returns the path to import. */
export interface MalformedImport {
  name: string;
  build(dir: string): Promise<string>;
  /** What the refusal must say (besides "cannot import"). */
  says: RegExp;
}

const GiB = 1024 ** 3;
const OVF_1M = (file = 'disk1.vmdk'): Buffer => Buffer.from(ovfXml([{ file, capacity: '65536' }]));

async function write(dir: string, name: string, bytes: Buffer | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

function ova(name: string, entries: TarEntrySpec[], says: RegExp): MalformedImport {
  return { name, says, build: (dir) => write(dir, `${name.replace(/\W+/g, '-')}.ova`, tarArchive(entries)) };
}

/** An OVA whose ovf names disk1.vmdk, holding `disk` under that name. */
function ovaWithDisk(name: string, disk: (dir: string) => Promise<Buffer>, says: RegExp): MalformedImport {
  return {
    name,
    says,
    async build(dir) {
      const bytes = await disk(dir);
      return write(
        dir,
        `${name.replace(/\W+/g, '-')}.ova`,
        tarArchive([
          { name: 'vm.ovf', data: OVF_1M() },
          { name: 'disk1.vmdk', data: bytes },
        ]),
      );
    },
  };
}

/**
 * An archive whose header claims `claimed` bytes for an entry and whose file
 * really is that long (sparse, so it costs no disk space): the 3 GiB OVA of the issue.
 */
function hugeEntry(name: string, entry: TarEntrySpec, claimed: number, says: RegExp): MalformedImport {
  return {
    name,
    says,
    async build(dir) {
      const path = join(dir, `${name.replace(/\W+/g, '-')}.ova`);
      await writeFile(path, tarHeader({ ...entry, claimedSize: claimed }));
      await truncate(path, 512 + Math.ceil(claimed / 512) * 512 + 1024);
      return path;
    },
  };
}

async function sparseVmdk(dir: string): Promise<{ path: string; bytes: () => Promise<Buffer> }> {
  const path = join(dir, `valid-sparse-${Math.random().toString(36).slice(2)}.vmdk`);
  const image = await VmdkSparseImage.create(path, 65536, { grainSize: 16 });
  await image.write(0, Buffer.alloc(8192, 0x5a));
  await image.close();
  const { readFile } = await import('node:fs/promises');
  return { path, bytes: () => readFile(path) };
}

/** A valid small monolithicSparse VMDK with `patch` applied to its bytes. */
function patchedSparse(patch: (b: Buffer) => Buffer): (dir: string) => Promise<Buffer> {
  return async (dir) => patch(await (await sparseVmdk(dir)).bytes());
}

async function streamVmdk(dir: string): Promise<Buffer> {
  const path = join(dir, `valid-stream-${Math.random().toString(36).slice(2)}.vmdk`);
  const image = await StreamOptimizedWriter.create(path, 65536, { grainSize: 16 });
  await image.write(0, Buffer.alloc(8192, 0x5a));
  await image.write(32768, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7) & 0xff)));
  await image.close();
  const h = await open(path, 'r');
  try {
    const { size } = await h.stat();
    const b = Buffer.alloc(size);
    await h.read(b, 0, size, 0);
    return b;
  } finally {
    await h.close();
  }
}

function u64(b: Buffer, at: number, value: bigint): Buffer {
  b.writeBigUInt64LE(value, at);
  return b;
}

export const MALFORMED_IMPORTS: MalformedImport[] = [
  // The tar container.
  { name: 'empty .ova', says: /too short to be a tar archive/, build: (d) => write(d, 'empty.ova', Buffer.alloc(0)) },
  { name: 'four bytes of text as .ova', says: /too short to be a tar archive/, build: (d) => write(d, 'tiny.ova', 'tiny') },
  {
    name: 'random bytes as .ova',
    says: /bad tar header checksum/,
    build: (d) => write(d, 'random.ova', Buffer.alloc(4096, 0x41)),
  },
  {
    name: 'archive cut inside the second header',
    says: /archive ends inside a header/,
    build: (d) => {
      const ovf = OVF_1M();
      const whole = tarArchive([
        { name: 'vm.ovf', data: ovf },
        { name: 'disk1.vmdk', data: Buffer.alloc(65536) },
      ]);
      return write(d, 'cut.ova', whole.subarray(0, 512 + Math.ceil(ovf.length / 512) * 512 + 100));
    },
  },
  ova('header with a wrong checksum', [{ name: 'vm.ovf', data: OVF_1M(), badChecksum: true }], /bad tar header checksum/),
  ova(
    'size field with digits that are not octal',
    [{ name: 'vm.ovf', data: OVF_1M(), fields: [{ at: 124, bytes: Buffer.from('00000009999\0') }] }],
    /size field is not an octal number/,
  ),
  ova(
    'size field of letters',
    [{ name: 'vm.ovf', data: OVF_1M(), fields: [{ at: 124, bytes: Buffer.from('zzzzzzzzzzz\0') }] }],
    /size field is not an octal number/,
  ),
  ova(
    'negative base-256 size',
    [{ name: 'vm.ovf', data: OVF_1M(), fields: [{ at: 124, bytes: Buffer.from([0xff, ...Array(11).fill(0xff)]) }] }],
    /negative base-256/,
  ),
  ova(
    'base-256 size beyond 2^53',
    [{ name: 'vm.ovf', data: OVF_1M(), fields: [{ at: 124, bytes: Buffer.from([0x80, 0x7f, ...Array(10).fill(0xff)]) }] }],
    /larger than 2\^53/,
  ),
  ova(
    'entry size beyond the end of the archive',
    [{ name: 'vm.ovf', data: OVF_1M(), claimedSize: 10 * 1024 * 1024 }],
    /archive ends first/,
  ),
  hugeEntry('3 GiB sparse OVF entry (the readTarEntry abort)', { name: 'vm.ovf' }, 3 * GiB, /vm\.ovf is \d+ bytes, more than/),
  hugeEntry('3 GiB pax header', { name: 'PaxHeader', type: 'x' }, 3 * GiB, /name record is larger than/),
  hugeEntry('2 GiB GNU long-name record', { name: '././@LongLink', type: 'L' }, 2 * GiB, /name record is larger than/),
  ova('archive without an .ovf', [{ name: 'disk1.vmdk', data: Buffer.alloc(512) }], /holds no \.ovf descriptor/),

  // The OVF descriptor.
  ova('OVF that is not XML', [{ name: 'vm.ovf', data: Buffer.from('{"not":"xml"}') }], /not well-formed XML/),
  ova(
    'OVF with unknown capacity units',
    [{ name: 'vm.ovf', data: Buffer.from(ovfXml([{ file: 'disk1.vmdk', capacity: '1', units: 'furlongs' }])) }],
    /capacityAllocationUnits/,
  ),
  ova(
    'OVF capacity beyond 2^53 bytes',
    [{ name: 'vm.ovf', data: Buffer.from(ovfXml([{ file: 'disk1.vmdk', capacity: '1073741824', units: 'byte * 2^40' }])) }],
    /no usable capacity/,
  ),
  ova(
    'OVF with an entity-expansion bomb',
    [
      {
        name: 'vm.ovf',
        data: Buffer.from(
          `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${'a'.repeat(1000)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><Envelope>&d;&d;&d;&d;</Envelope>`,
        ),
      },
    ],
    /entit|DOCTYPE|OVF|XML/i,
  ),
  ova(
    'OVF names a disk the archive does not hold',
    [{ name: 'vm.ovf', data: OVF_1M() }],
    /names disk1\.vmdk, but the archive does not hold it/,
  ),
  ova(
    'OVF disk is a symbolic link to /etc/passwd',
    [
      { name: 'vm.ovf', data: OVF_1M() },
      { name: 'disk1.vmdk', type: '2', linkName: '/etc/passwd' },
    ],
    /is a symlink in the archive/,
  ),
  ova(
    'OVF disk is a hard link',
    [
      { name: 'vm.ovf', data: OVF_1M() },
      { name: 'disk1.vmdk', type: '1', linkName: 'vm.ovf' },
    ],
    /is a hardlink in the archive/,
  ),
  ova(
    'OVF disk is a folder',
    [
      { name: 'vm.ovf', data: OVF_1M() },
      { name: 'disk1.vmdk', type: '5' },
    ],
    /is a folder in the archive/,
  ),
  ova(
    'OVF claims a larger disk than the image holds',
    [
      { name: 'vm.ovf', data: Buffer.from(ovfXml([{ file: 'disk1.vmdk', capacity: '4', units: 'byte * 2^30' }])) },
      { name: 'disk1.vmdk', data: Buffer.alloc(65536) },
    ],
    /the image holds 65536 bytes but the OVF says/,
  ),

  // Flat descriptors inside the OVA.
  ova(
    'flat extent naming an absolute path',
    [
      { name: 'vm.ovf', data: OVF_1M() },
      { name: 'disk1.vmdk', data: Buffer.from(flatDescriptor('RW 128 FLAT "/etc/passwd" 0')) },
    ],
    /an extent must be a file inside the OVA/,
  ),
  ova(
    'flat extent the archive does not hold',
    [
      { name: 'vm.ovf', data: OVF_1M() },
      { name: 'disk1.vmdk', data: Buffer.from(flatDescriptor('RW 128 FLAT "disk1-flat.vmdk" 0')) },
    ],
    /names extent disk1-flat\.vmdk, but the archive does not hold it/,
  ),
  ova(
    'flat extent shorter than its descriptor says',
    [
      { name: 'vm.ovf', data: OVF_1M() },
      { name: 'disk1.vmdk', data: Buffer.from(flatDescriptor('RW 128 FLAT "disk1-flat.vmdk" 0')) },
      { name: 'disk1-flat.vmdk', data: Buffer.alloc(4096) },
    ],
    /extent file ends at 4096 bytes but the descriptor needs 65536/,
  ),
  ova(
    'flat extent of 2^53 sectors',
    [
      { name: 'vm.ovf', data: OVF_1M() },
      { name: 'disk1.vmdk', data: Buffer.from(flatDescriptor('RW 9007199254740991 FLAT "disk1-flat.vmdk" 0')) },
      { name: 'disk1-flat.vmdk', data: Buffer.alloc(4096) },
    ],
    /out of range/,
  ),
  ova(
    'flat extent that is a symlink entry',
    [
      { name: 'vm.ovf', data: OVF_1M() },
      { name: 'disk1.vmdk', data: Buffer.from(flatDescriptor('RW 128 FLAT "disk1-flat.vmdk" 0')) },
      { name: 'disk1-flat.vmdk', type: '2', linkName: '/etc/passwd' },
    ],
    /is a symlink in the archive/,
  ),

  // Sparse and streamOptimized VMDKs inside the OVA.
  ovaWithDisk(
    'sparse VMDK whose grain directory lies past the end',
    patchedSparse((b) => u64(b, 56, 1_000_000n)),
    /grain directory.*outside the file|lies outside/,
  ),
  ovaWithDisk(
    'sparse VMDK whose grain table entry points past the end',
    patchedSparse((b) => {
      const gd = Number(b.readBigUInt64LE(56)) * 512;
      const gt = b.readUInt32LE(gd) * 512;
      b.writeUInt32LE(0x7fffffff, gt);
      return b;
    }),
    /points past (the )?end of (the )?file/,
  ),
  ovaWithDisk(
    'sparse VMDK with a capacity of 2^53 sectors',
    patchedSparse((b) => u64(b, 12, 1n << 53n)),
    /capacity .* is out of range/,
  ),
  ovaWithDisk(
    'sparse VMDK cut in half',
    async (d) => (await patchedSparse((b) => b)(d)).subarray(0, 1024),
    /lies outside|ends|outside the file/,
  ),
  ovaWithDisk(
    'streamOptimized VMDK cut in half',
    async (d) => {
      const b = await streamVmdk(d);
      return b.subarray(0, Math.floor(b.length / 2) & ~511);
    },
    /footer|end of stream|outside|ends|truncated/i,
  ),
  ovaWithDisk(
    'streamOptimized grain marker claiming 4 GiB of compressed data',
    async (d) => {
      const b = await streamVmdk(d);
      const overhead = Number(b.readBigUInt64LE(64)) * 512;
      b.writeUInt32LE(0xffffffff, overhead + 8);
      return b;
    },
    /grain|marker|compressed|outside/i,
  ),

  // Plain image files.
  {
    name: 'raw image whose size is not whole sectors',
    says: /not a multiple of 512/,
    build: (d) => write(d, 'odd.img', Buffer.alloc(1000)),
  },
  {
    name: 'descriptor with an unsupported createType',
    says: /createType "vmfsSparse" is not supported/,
    build: (d) =>
      write(d, 'cowd.vmdk', flatDescriptor('RW 128 VMFSSPARSE "x-delta.vmdk"').replace('monolithicFlat', 'vmfsSparse')),
  },
];
