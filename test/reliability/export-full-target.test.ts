import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../support/cli-process';

const run = promisify(execFile);

/**
 * An export onto a folder that fills up (a 4 MiB tmpfs of its own in a private
 * mount namespace, a point with 8 MiB of data; a USB stick too small, say): the
 * export fails with a clear message and no stack trace, leaves no staging folder
 * and no half file behind, and an older file of the same name is still there.
 */
describe('export onto a full folder (ENOSPC)', () => {
  let dir: string;
  let cli: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-full-export-'));
    cli = await bundleCli('full-export');
    await writeFile(join(dir, 'pw'), 'repository-password\n', { mode: 0o600 });
    const image = Buffer.alloc(16 * 1024 * 1024);
    randomBytes(8 * 1024 * 1024).copy(image, 4 * 1024 * 1024);
    await writeFile(join(dir, 'disk.raw'), image);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fails clearly, removes its staging folder and keeps the file it would have replaced', async () => {
    const repo = join(dir, 'repo');
    const out = join(dir, 'stick');
    const lb = (args: string) => `'${process.execPath}' '${cli}' ${args} --repo '${repo}' --password-file '${join(dir, 'pw')}'`;
    const script = `
      set -u
      ${lb('repo init')} > /dev/null 2>&1
      ${lb(`--json import '${join(dir, 'disk.raw')}'`)} > '${dir}/import.out' 2>&1
      point=$(sed -n 's/.*"pointId": *"\\([0-9a-f]*\\)".*/\\1/p' '${dir}/import.out' | head -1)
      mkdir -p '${out}'
      mount -t tmpfs -o size=4m lifeboat-full-export '${out}'
      echo 'the old export' > '${out}/disk.raw'
      ${lb(`export --point "$point" --disk 2000 --format raw --force --out '${out}/disk.raw'`)} > '${dir}/export.out' 2> '${dir}/export.err'; echo $? > '${dir}/export.code'
      ls -A '${out}' > '${dir}/left.txt'
      cat '${out}/disk.raw' > '${dir}/old.txt'
    `;
    await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { env: { ...process.env, LIFEBOAT_HOME: join(dir, 'home') }, timeout: 120_000 });
    const err = await readFile(join(dir, 'export.err'), 'utf8');
    expect(Number((await readFile(join(dir, 'export.code'), 'utf8')).trim()), err).toBe(1);
    // Which disk, how much the export needs, that nothing changed, and what to do.
    expect(err).toMatch(/no space left on the disk of .*stick for the export to disk\.raw \(the disk holds 8 MiB of data\); nothing was put in place/);
    expect(err).toMatch(/Free space there, or export to a disk with more room/);
    expect(err).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    // Only the file that was there: no staging folder, no partial export.
    expect((await readFile(join(dir, 'left.txt'), 'utf8')).trim().split('\n')).toEqual(['disk.raw']);
    expect(await readFile(join(dir, 'old.txt'), 'utf8')).toBe('the old export\n');
    expect(await readdir(dir)).not.toContain('stick-staging');
  }, 150_000);
});
