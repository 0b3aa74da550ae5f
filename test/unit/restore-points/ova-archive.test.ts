import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveFormatError, listTarEntries, readTarEntry } from '../../../electron/restore-points/ova-archive';

/** A ustar header block for a regular file (typeflag '0') or a pax/GNU name record. */
function header(name: string, size: number, type = '0'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function tar(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

describe('OVA tar reader', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-tar-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists regular files with their data offsets, including pax and GNU long names', async () => {
    const ovf = Buffer.from('<Envelope/>');
    const long = 'a'.repeat(120) + '.vmdk';
    const pax = Buffer.from(`${(` path=${long}\n`.length + 3).toString()} path=${long}\n`);
    const gnuLong = 'g'.repeat(110) + '.mf';
    const file = join(dir, 'x.ova');
    await writeFile(
      file,
      tar(
        header('vm.ovf', ovf.length),
        padded(ovf),
        header('PaxHeader', pax.length, 'x'),
        padded(pax),
        header('short-name', 1000),
        padded(Buffer.alloc(1000, 7)),
        header('././@LongLink', gnuLong.length + 1, 'L'),
        padded(Buffer.from(gnuLong + '\0')),
        header('trimmed', 3),
        padded(Buffer.from('abc')),
        header('folder/', 0, '5'),
      ),
    );
    const entries = await listTarEntries(file);
    expect(entries.map((e) => e.name)).toEqual(['vm.ovf', long, gnuLong]);
    expect(entries[0]).toEqual({ name: 'vm.ovf', size: ovf.length, dataOffset: 512 });
    expect((await readTarEntry(file, entries[0]!)).toString()).toBe('<Envelope/>');
    expect((await readTarEntry(file, entries[1]!)).equals(Buffer.alloc(1000, 7))).toBe(true);
  });

  it('accepts an archive without the end-of-archive blocks', async () => {
    const file = join(dir, 'noend.ova');
    await writeFile(file, Buffer.concat([header('vm.ovf', 3), padded(Buffer.from('abc'))]));
    expect((await listTarEntries(file)).map((e) => e.name)).toEqual(['vm.ovf']);
    await writeFile(file, Buffer.concat([header('vm.ovf', 3), padded(Buffer.from('abc')), Buffer.alloc(100)]));
    await expect(listTarEntries(file)).rejects.toThrow(/at byte 1024: archive ends inside a header/);
  });

  it('rejects a non-tar, a damaged header and a truncated archive, naming the offset', async () => {
    const notTar = join(dir, 'n.ova');
    await writeFile(notTar, Buffer.alloc(2048, 0x41));
    await expect(listTarEntries(notTar)).rejects.toThrow(/at byte 148: bad tar header checksum/);

    const short = join(dir, 's.ova');
    await writeFile(short, Buffer.from('tiny'));
    await expect(listTarEntries(short)).rejects.toThrow(/too short to be a tar archive/);

    const cut = join(dir, 'c.ova');
    await writeFile(cut, Buffer.concat([header('disk.vmdk', 4096), Buffer.alloc(1024)]));
    const err = await listTarEntries(cut).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveFormatError);
    expect((err as Error).message).toMatch(/at byte 512: entry needs 4096 bytes but the archive ends first \(truncated\?\)/);
  });
});
