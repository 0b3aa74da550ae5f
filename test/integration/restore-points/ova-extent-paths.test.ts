import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { pseudoRandomBytes } from '../../../electron/restore-points/demo-disk-layout';
import { flatDescriptor, ovfXml, tarArchive } from '../../reliability/support/ova-builder';
import { cli } from '../../unit/restore-points/cli-io';

const PASSWORD = 'extent-path-test-pw';

/**
 * Issue 11 item 4: an imported descriptor's extents must resolve inside the
 * OVA (or beside a plain descriptor), never to an absolute path or through `..`.
 */
describe('import: VMDK extents stay inside the archive or beside the descriptor', () => {
  let dir: string;
  let repo: string;
  let pwFile: string;
  /** Stands in for ~/.config/lifeboat/connections.json: 1 KiB that must never enter a restore point. */
  let secret: string;
  const secretBytes = Buffer.from(JSON.stringify({ connections: [{ name: 'vc', thumbprint: 'AA:BB' }] }).padEnd(1024, ' '));
  const repoArgs = (): string[] => ['--repo', repo, '--password-file', pwFile];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-extent-paths-'));
    repo = join(dir, 'repo');
    pwFile = join(dir, 'pw');
    secret = join(dir, 'connections.json');
    await writeFile(pwFile, `${PASSWORD}\n`);
    await writeFile(secret, secretBytes);
    await Repository.init(new LocalFolderBackend(repo), PASSWORD, { kdf: { name: 'scrypt', N: 1024, r: 8, p: 1 } });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function ovaWithDescriptor(
    name: string,
    extentLine: string,
    extra: Array<{ name: string; data: Buffer }> = [],
  ): Promise<string> {
    const file = join(dir, name);
    await writeFile(
      file,
      tarArchive([
        { name: 'vm.ovf', data: Buffer.from(ovfXml([{ file: 'vm-disk1.vmdk', capacity: '1024' }])) },
        { name: 'vm-disk1.vmdk', data: Buffer.from(flatDescriptor(extentLine)) },
        ...extra,
      ]),
    );
    return file;
  }

  async function pointCount(): Promise<number> {
    const r = await cli(['--json', 'repo', 'list', ...repoArgs()]);
    return (JSON.parse(r.out) as { points: unknown[] }).points.length;
  }

  it('refuses an OVA whose flat descriptor names an absolute path (connections.json)', async () => {
    const ova = await ovaWithDescriptor('absolute.ova', `RW 2 FLAT "${secret}" 0`);
    const r = await cli(['import', ...repoArgs(), ova]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/extent 1 names ".*connections\.json": an extent must be a file inside the OVA/);
    expect(await pointCount()).toBe(0);
  });

  it('refuses an OVA whose flat descriptor climbs out with ..', async () => {
    const ova = await ovaWithDescriptor('dotdot.ova', `RW 2 FLAT "../../${secret.split('/').pop()}" 0`);
    const r = await cli(['import', ...repoArgs(), ova]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/an extent must be a file inside the OVA/);
    expect(await pointCount()).toBe(0);
  });

  it('refuses a plain descriptor whose extent is absolute or outside its folder', async () => {
    for (const [name, target] of [
      ['plain-absolute.vmdk', secret],
      ['plain-dotdot.vmdk', '../connections.json'],
      ['plain-sub.vmdk', 'sub/../../connections.json'],
    ] as const) {
      const file = join(dir, 'plain', name);
      await mkdir(join(dir, 'plain'), { recursive: true });
      await writeFile(file, flatDescriptor(`RW 2 FLAT "${target}" 0`));
      const r = await cli(['import', ...repoArgs(), file]);
      expect(r.code, name).toBe(2);
      expect(r.err, name).toMatch(/an extent must be a file beside the descriptor/);
    }
    expect(await pointCount()).toBe(0);
  });

  it('imports an OVA whose flat extent is inside the archive, and exports it back identical', async () => {
    const data = pseudoRandomBytes(64 * 1024, 11);
    const ova = await ovaWithDescriptor('inside.ova', 'RW 128 FLAT "vm-disk1-flat.vmdk" 0', [
      { name: 'vm-disk1-flat.vmdk', data },
    ]);
    // The OVF says 1024 bytes; the descriptor holds 64 KiB: the image is at least as large, which is accepted.
    const r = await cli(['--json', 'import', ...repoArgs(), ova]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const pointId = (JSON.parse(r.out) as { pointId: string }).pointId;
    const out = join(dir, 'inside-export.raw');
    const e = await cli([
      '--json',
      'export',
      ...repoArgs(),
      '--point',
      pointId,
      '--disk',
      '2000',
      '--format',
      'raw',
      '--out',
      out,
    ]);
    expect(e.code).toBe(0);
    expect((await readFile(out)).equals(data)).toBe(true);
  });
});
