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

/** Any member of the archive: regular files, and the links and folders an OVA must not use for its files. */
export interface TarMember extends TarEntry {
  kind: 'file' | 'symlink' | 'hardlink' | 'folder' | 'other';
}

/** Largest pax or GNU long-name record read into memory (names are short; a huge one is an attack or damage). */
const MAX_NAME_RECORD_BYTES = 1024 * 1024;

function memberKind(type: string, name: string): TarMember['kind'] {
  if (type === '0' || type === '\0' || type === '7') return name.endsWith('/') ? 'folder' : 'file';
  if (type === '2') return 'symlink';
  if (type === '1') return 'hardlink';
  if (type === '5') return 'folder';
  return 'other';
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

/**
 * Tar numbers are octal text, or base-256 big-endian when the top bit is set
 * (GNU, > 8 GiB). Anything else (other digits, a negative base-256 value, more
 * than 2^53) is refused here, so no size from the file reaches a read unchecked.
 */
function number(block: Buffer, from: number, length: number, file: string, at: number, what: string): number {
  const fail = (problem: string): never => {
    throw new ArchiveFormatError(file, at + from, `${what} field ${problem}`);
  };
  if (block[from]! & 0x80) {
    if (block[from]! & 0x40) fail('is a negative base-256 number');
    let value = block[from]! & 0x3f;
    for (let i = 1; i < length; i++) {
      value = value * 256 + block[from + i]!;
      if (!Number.isSafeInteger(value)) fail('is larger than 2^53');
    }
    return value;
  }
  const digits = text(block, from, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) fail(`is not an octal number (${JSON.stringify(digits.slice(0, 16))})`);
  const value = parseInt(digits, 8);
  if (!Number.isSafeInteger(value)) fail('is larger than 2^53');
  return value;
}

function checksumOk(block: Buffer, file: string, at: number): boolean {
  let stored: number;
  try {
    stored = number(block, 148, 8, file, at, 'checksum');
  } catch {
    return false; // not even a number: the block is no tar header
  }
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
  return (await listTarMembers(file))
    .filter((m) => m.kind === 'file')
    .map(({ name, size, dataOffset }) => ({ name, size, dataOffset }));
}

/** Every member of the archive with its kind (see listTarEntries). */
export async function listTarMembers(file: string): Promise<TarMember[]> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const entries: TarMember[] = [];
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
      if (!checksumOk(block, file, pos))
        throw new ArchiveFormatError(file, pos + 148, 'bad tar header checksum (not a tar archive, or damaged)');
      const type = String.fromCharCode(block[156]!);
      const entrySize = number(block, 124, 12, file, pos, 'size');
      const dataOffset = pos + BLOCK;
      if (dataOffset + entrySize > size)
        throw new ArchiveFormatError(file, dataOffset, `entry needs ${entrySize} bytes but the archive ends first (truncated?)`);
      let name = text(block, 0, 100);
      const prefix = block.toString('latin1', 257, 262) === 'ustar' ? text(block, 345, 155) : '';
      if (prefix) name = `${prefix}/${name}`;
      if (type === 'x' || type === 'L') {
        if (entrySize > MAX_NAME_RECORD_BYTES)
          throw new ArchiveFormatError(
            file,
            pos + 124,
            `a ${entrySize}-byte name record is larger than ${MAX_NAME_RECORD_BYTES} bytes`,
          );
        const data = Buffer.alloc(entrySize);
        await handle.read(data, 0, entrySize, dataOffset);
        longName = type === 'L' ? text(data, 0, entrySize) : paxPath(data);
      } else {
        if (type !== 'g') entries.push({ name: longName ?? name, size: entrySize, dataOffset, kind: memberKind(type, name) });
        longName = undefined;
      }
      pos = dataOffset + Math.ceil(entrySize / BLOCK) * BLOCK;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** Largest entry readTarEntry reads into memory by default (an OVF descriptor is kilobytes). */
export const MAX_IN_MEMORY_ENTRY_BYTES = 16 * 1024 * 1024;

/**
 * Reads a small entry into memory. The size is checked first: a huge entry
 * (a 3 GiB sparse "descriptor") must be an error, not a read the runtime aborts on.
 */
export async function readTarEntry(file: string, entry: TarEntry, limit = MAX_IN_MEMORY_ENTRY_BYTES): Promise<Buffer> {
  if (!Number.isSafeInteger(entry.size) || entry.size < 0 || entry.size > limit)
    throw new ArchiveFormatError(
      file,
      entry.dataOffset,
      `${entry.name} is ${entry.size} bytes, more than the ${limit} bytes it may have`,
    );
  const handle = await open(file, 'r');
  try {
    const data = Buffer.alloc(entry.size);
    const { bytesRead } = await handle.read(data, 0, entry.size, entry.dataOffset);
    if (bytesRead < entry.size)
      throw new ArchiveFormatError(file, entry.dataOffset + bytesRead, `${entry.name} is cut short (truncated archive?)`);
    return data;
  } finally {
    await handle.close();
  }
}

/** Copies an entry out to its own file (disk readers open files by path). */
export async function extractTarEntry(file: string, entry: TarEntry, destination: string): Promise<void> {
  if (entry.size === 0) {
    await (await open(destination, 'w', 0o600)).close();
    return;
  }
  await pipeline(
    createReadStream(file, { start: entry.dataOffset, end: entry.dataOffset + entry.size - 1 }),
    createWriteStream(destination, { mode: 0o600 }),
  );
}
