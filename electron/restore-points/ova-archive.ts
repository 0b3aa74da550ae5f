import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

const BLOCK = 512;

/** One regular file inside a tar archive: where its bytes are. */
export interface TarEntry {
  name: string;
  size: number;
  /** Byte offset of the file's data in the archive. */
  dataOffset: number;
}

/** The archive is not a tar, or is cut short; names the byte offset like DiskFormatError. */
export class ArchiveFormatError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${file}: at byte ${offset}: ${problem}`);
    this.name = 'ArchiveFormatError';
  }
}

function text(block: Buffer, from: number, length: number): string {
  const field = block.subarray(from, from + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end < 0 ? length : end);
}

/** Tar numbers are octal text, or base-256 big-endian when the top bit is set (GNU, > 8 GiB). */
function number(block: Buffer, from: number, length: number): number {
  if (block[from]! & 0x80) {
    let value = block[from]! & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + block[from + i]!;
    return value;
  }
  const digits = text(block, from, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  const stored = number(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === stored;
}

/** Reads the `path=` record of a pax extended header. */
function paxPath(data: Buffer): string | undefined {
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.toString('ascii', pos, space), 10);
    if (!(len > 0)) break;
    const record = data.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') return record.slice(eq + 1);
    pos += len;
  }
  return undefined;
}

/**
 * Lists the regular files of a POSIX (ustar/pax, GNU long names) tar, which is
 * what an OVA is. Only headers are read; data stays in place.
 */
export async function listTarEntries(file: string): Promise<TarEntry[]> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const entries: TarEntry[] = [];
    const block = Buffer.alloc(BLOCK);
    let pos = 0;
    let longName: string | undefined;
    while (true) {
      // Some OVA writers leave out the two zero blocks; ending on a header boundary is accepted.
      if (pos === size && entries.length > 0) break;
      if (pos + BLOCK > size) {
        if (entries.length === 0) throw new ArchiveFormatError(file, pos, 'file is too short to be a tar archive');
        throw new ArchiveFormatError(file, pos, 'archive ends inside a header (truncated?)');
      }
      await handle.read(block, 0, BLOCK, pos);
      if (block.every((b) => b === 0)) break;
      if (!checksumOk(block))
        throw new ArchiveFormatError(file, pos + 148, 'bad tar header checksum (not a tar archive, or damaged)');
      const type = String.fromCharCode(block[156]!);
      const entrySize = number(block, 124, 12);
      const dataOffset = pos + BLOCK;
      if (dataOffset + entrySize > size)
        throw new ArchiveFormatError(file, dataOffset, `entry needs ${entrySize} bytes but the archive ends first (truncated?)`);
      let name = text(block, 0, 100);
      const prefix = block.toString('latin1', 257, 262) === 'ustar' ? text(block, 345, 155) : '';
      if (prefix) name = `${prefix}/${name}`;
      if (type === 'x' || type === 'L') {
        const data = Buffer.alloc(entrySize);
        await handle.read(data, 0, entrySize, dataOffset);
        longName = type === 'L' ? text(data, 0, entrySize) : paxPath(data);
      } else {
        if ((type === '0' || type === '\0' || type === '7') && !name.endsWith('/')) {
          entries.push({ name: longName ?? name, size: entrySize, dataOffset });
        }
        longName = undefined;
      }
      pos = dataOffset + Math.ceil(entrySize / BLOCK) * BLOCK;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** Reads a (small) entry into memory. */
export async function readTarEntry(file: string, entry: TarEntry): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const data = Buffer.alloc(entry.size);
    await handle.read(data, 0, entry.size, entry.dataOffset);
    return data;
  } finally {
    await handle.close();
  }
}

/** Copies an entry out to its own file (disk readers open files by path). */
export async function extractTarEntry(file: string, entry: TarEntry, destination: string): Promise<void> {
  if (entry.size === 0) {
    await (await open(destination, 'w')).close();
    return;
  }
  await pipeline(
    createReadStream(file, { start: entry.dataOffset, end: entry.dataOffset + entry.size - 1 }),
    createWriteStream(destination),
  );
}
