import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './cli-io';

describe('lifeboat demo / export (CLI)', () => {
  let dir: string;
  let pwFile: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-demo-cli-'));
    pwFile = join(dir, 'pw');
    await writeFile(pwFile, 'lifeboat-demo\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the demo point, then reports the same one, and prints the password and next steps', async () => {
    const repo = join(dir, 'demo');
    const first = await cli(['--json', 'demo', '--repo', repo]);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.out);
    expect(a).toMatchObject({
      ok: true,
      location: repo,
      reused: false,
      repositoryCreated: true,
      password: 'lifeboat-demo',
      vm: 'demo-win2022',
    });
    expect(a.disks.map((d: { key: number }) => d.key)).toEqual([2000, 2001]);
    expect(a.next.some((c: string) => c.includes('lifeboat export'))).toBe(true);

    const again = await cli(['demo', '--repo', repo]);
    expect(again.code).toBe(0);
    expect(again.out).toContain(a.pointId);
    expect(again.out).toContain('already there');
    expect(again.out).toContain('lifeboat-demo');
    expect(again.out).toContain('Try next:');

    const exported = await cli([
      '--json',
      'export',
      '--repo',
      repo,
      '--password-file',
      pwFile,
      '--point',
      a.pointId.slice(0, 8),
      '--disk',
      '2001',
      '--format',
      'raw',
      '--out',
      join(dir, 'd2.raw'),
    ]);
    expect(exported.code).toBe(0);
    const e = JSON.parse(exported.out);
    expect(e).toMatchObject({ ok: true, disk: 2001, format: 'raw', capacity: 4 * 1024 ** 3 });
    expect(e.verification.ok).toBe(true);
    // Sparse: a 4 GiB disk with ~2.5 MiB of data takes little space.
    expect(e.fileAllocatedBytes).toBeLessThan(16 * 1024 * 1024);

    const refused = await cli([
      'export',
      '--repo',
      repo,
      '--password-file',
      pwFile,
      '--point',
      a.pointId,
      '--disk',
      '2001',
      '--format',
      'raw',
      '--out',
      join(dir, 'd2.raw'),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('already exists');
    expect(refused.err).toContain('--force');

    const noDisk = await cli([
      '--json',
      'export',
      '--repo',
      repo,
      '--password-file',
      pwFile,
      '--point',
      a.pointId,
      '--disk',
      '2002',
      '--out',
      join(dir, 'x.vmdk'),
    ]);
    expect(noDisk.code).toBe(2);
    expect(JSON.parse(noDisk.out).error.hint).toContain('2000 (Hard disk 1)');

    const badFormat = await cli([
      'export',
      '--repo',
      repo,
      '--password-file',
      pwFile,
      '--point',
      a.pointId,
      '--disk',
      '2000',
      '--format',
      'qcow2',
      '--out',
      join(dir, 'x'),
    ]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toContain('unknown --format');

    const badAdapter = await cli([
      'export',
      ...['--repo', repo, '--password-file', pwFile, '--point', a.pointId],
      '--disk',
      '2000',
      '--adapter-type',
      'scsi',
      '--out',
      join(dir, 'y.vmdk'),
    ]);
    expect(badAdapter.code).toBe(2);
    expect(badAdapter.err).toContain('unknown --adapter-type "scsi"');
  });

  it('refuses a non-empty folder that is not a repository', async () => {
    await writeFile(join(dir, 'notes.txt'), 'not a repository');
    const r = await cli(['demo', '--repo', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not empty');
    expect(r.err).toContain('--repo DIR');
  });
});
