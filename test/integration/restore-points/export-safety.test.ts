import { mkdtemp, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { pseudoRandomBytes } from '../../../electron/restore-points/demo-disk-layout';
import { exportDisk } from '../../../electron/restore-points/disk-export';
import { ExportTargetError } from '../../../electron/restore-points/export-target';
import { MemoryDiskImage } from '../../unit/repository/memory-disk-image';
import { cli } from '../../unit/restore-points/cli-io';

const PASSWORD = 'export-safety-pw';
const MiB = 1024 * 1024;

async function filesUnder(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(folder, { withFileTypes: true })) {
    const p = join(folder, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/** Issue 11 "also seen": export --force must not lose the old file or write into a repository; images are 0600. */
describe('export: never destroys what was there, never writes into a repository, files are private', () => {
  let dir: string;
  let repo: string;
  let pwFile: string;
  let pointId: string;
  const data = pseudoRandomBytes(MiB, 5);
  const repoArgs = (): string[] => ['--repo', repo, '--password-file', pwFile];
  const exportArgs = (out: string, format = 'raw'): string[] => [
    'export',
    ...repoArgs(),
    '--point',
    pointId,
    '--disk',
    '2000',
    '--format',
    format,
    '--out',
    out,
  ];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-export-safety-'));
    repo = join(dir, 'repo');
    pwFile = join(dir, 'pw');
    await writeFile(pwFile, `${PASSWORD}\n`);
    await Repository.init(new LocalFolderBackend(repo), PASSWORD, { kdf: { name: 'scrypt', N: 1024, r: 8, p: 1 } });
    const raw = join(dir, 'source.raw');
    await writeFile(raw, Buffer.concat([data, Buffer.alloc(3 * MiB)]));
    const r = await cli(['--json', 'import', ...repoArgs(), raw]);
    expect(r.code).toBe(0);
    pointId = (JSON.parse(r.out) as { pointId: string }).pointId;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an --out inside the repository, even with --force, and the repository still opens', async () => {
    for (const out of [join(repo, 'config'), join(repo, 'packs', 'x.raw')]) {
      const r = await cli([...exportArgs(out), '--force']);
      expect(r.code, out).toBe(2);
      expect(r.err).toMatch(/is inside the repository .*; an export there could overwrite repository data/);
    }
    // The engine refuses too, whatever front door calls it.
    const direct = await exportDisk(new MemoryDiskImage(MiB), join(repo, 'index', 'x.raw'), { format: 'raw' }).catch(
      (e: unknown) => e,
    );
    expect(direct).toBeInstanceOf(ExportTargetError);
    const list = await cli(['--json', 'repo', 'list', ...repoArgs()]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out).points).toHaveLength(1);
  });

  it('creates every exported file 0600 (raw, streamOptimized, flat descriptor and extent)', async () => {
    const outs = { raw: join(dir, 'm.raw'), vmdk: join(dir, 'm.vmdk'), 'vmdk-flat': join(dir, 'mf.vmdk') };
    for (const [format, out] of Object.entries(outs)) expect((await cli(exportArgs(out, format))).code, format).toBe(0);
    for (const f of [outs.raw, outs.vmdk, outs['vmdk-flat'], join(dir, 'mf-flat.vmdk')]) {
      expect(((await stat(f)).mode & 0o777).toString(8), f).toBe('600');
    }
  });

  it('--force replaces the file only after the new export verified', async () => {
    const out = join(dir, 'replace.raw');
    await writeFile(out, 'old content');
    expect((await cli(exportArgs(out))).code).toBe(1); // exists, no --force
    expect((await cli([...exportArgs(out), '--force'])).code).toBe(0);
    expect((await readFile(out)).subarray(0, MiB).equals(data)).toBe(true);
  });

  it('a failed --force export leaves the old file untouched and no partial files', async () => {
    const out = join(dir, 'keep.raw');
    await writeFile(out, 'the only copy of something');
    // Damage every pack so reading the disk fails half way.
    for (const pack of await filesUnder(join(repo, 'packs'))) {
      const h = await open(pack, 'r+');
      const { size } = await h.stat();
      await h.write(Buffer.alloc(Math.min(4096, size), 0xee), 0, Math.min(4096, size), Math.floor(size / 4));
      await h.close();
    }
    const r = await cli([...exportArgs(out), '--force']);
    expect(r.code).not.toBe(0);
    expect(await readFile(out, 'utf8')).toBe('the only copy of something');
    expect((await readdir(dir)).filter((f) => f.startsWith('.lifeboat-export-'))).toEqual([]);
  });
});
