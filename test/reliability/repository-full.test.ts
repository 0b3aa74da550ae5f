import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli } from '../support/cli-process';

const run = promisify(execFile);

/**
 * The repository's folder fills up during an import (a 3 MiB tmpfs of its own
 * in a private mount namespace, an image with 8 MiB of data): the import fails
 * with a clear message and no stack trace, and the repository loses nothing —
 * it still opens, lists no half-written point and verifies with its data.
 */
describe('import into a full repository folder (ENOSPC)', () => {
  let dir: string;
  let cli: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-full-repo-'));
    cli = await bundleCli('full-repo');
    await writeFile(join(dir, 'pw'), 'repository-password\n', { mode: 0o600 });
    const image = Buffer.alloc(16 * 1024 * 1024);
    randomBytes(8 * 1024 * 1024).copy(image, 4 * 1024 * 1024);
    await writeFile(join(dir, 'disk.raw'), image);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fails the import clearly and leaves a repository that opens, lists and verifies', async () => {
    const repo = join(dir, 'repo');
    const lb = (args: string) => `'${process.execPath}' '${cli}' ${args} --repo '${repo}' --password-file '${join(dir, 'pw')}'`;
    const script = `
      set -u
      mkdir -p '${repo}'
      mount -t tmpfs -o size=3m lifeboat-full-repo '${repo}'
      ${lb('repo init')} > '${dir}/init.out' 2>&1; echo $? > '${dir}/init.code'
      ${lb(`import '${join(dir, 'disk.raw')}'`)} > '${dir}/import.out' 2> '${dir}/import.err'; echo $? > '${dir}/import.code'
      ${lb('--json repo list')} > '${dir}/list.out' 2> '${dir}/list.err'; echo $? > '${dir}/list.code'
      ${lb('--json repo verify --read-data')} > '${dir}/verify.out' 2> '${dir}/verify.err'; echo $? > '${dir}/verify.code'
    `;
    await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { env: { ...process.env, LIFEBOAT_HOME: join(dir, 'home') }, timeout: 120_000 });
    const code = async (name: string) => Number((await readFile(join(dir, `${name}.code`), 'utf8')).trim());
    expect(await code('init'), await readFile(join(dir, 'init.out'), 'utf8')).toBe(0);
    const err = await readFile(join(dir, 'import.err'), 'utf8');
    expect(await code('import')).toBe(1);
    expect(err).toMatch(/ENOSPC|no space left/i);
    expect(err).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(await code('list'), await readFile(join(dir, 'list.err'), 'utf8')).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'list.out'), 'utf8')).points).toEqual([]);
    expect(await code('verify'), await readFile(join(dir, 'verify.err'), 'utf8')).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'verify.out'), 'utf8')).ok).toBe(true);
  }, 150_000);
});
