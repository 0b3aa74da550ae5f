import { readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { ObjectNotFoundError } from '../../../electron/repository/repository-backend';
import { tempDir } from './repository-fixtures';

describe('local folder backend', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('puts, gets, ranges, lists by prefix and deletes objects', async () => {
    const b = new LocalFolderBackend(dir);
    await b.put('packs/ab/ab01', Buffer.from('0123456789'));
    await b.put('packs/cd/cd02', Buffer.from('xyz'));
    await b.put('index/i1', Buffer.from('i'));
    await b.put('config', Buffer.from('{}'));
    expect((await b.get('packs/ab/ab01')).toString()).toBe('0123456789');
    expect((await b.getRange('packs/ab/ab01', 3, 4)).toString()).toBe('3456');
    expect((await b.getRange('packs/ab/ab01', 8, 4)).toString()).toBe('89');
    expect(await b.list('packs/')).toEqual([
      { name: 'packs/ab/ab01', size: 10 },
      { name: 'packs/cd/cd02', size: 3 },
    ]);
    expect((await b.list('packs/cd')).map((o) => o.name)).toEqual(['packs/cd/cd02']);
    expect((await b.list('')).map((o) => o.name)).toEqual(['config', 'index/i1', 'packs/ab/ab01', 'packs/cd/cd02']);
    expect(await b.size('index/i1')).toBe(1);
    expect(await b.exists('nope')).toBe(false);
    await b.delete('packs/cd/cd02');
    await b.delete('packs/cd/cd02');
    expect(await b.exists('packs/cd/cd02')).toBe(false);
    await expect(b.get('packs/cd/cd02')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(b.getRange('missing', 0, 1)).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('leaves no temp file after a put and refuses names that escape the folder', async () => {
    const b = new LocalFolderBackend(dir);
    await b.put('points/p1', Buffer.from('x'));
    expect(await readdir(join(dir, 'points'))).toEqual(['p1']);
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', ''])
      await expect(b.put(bad, Buffer.from('x'))).rejects.toThrow(/invalid repository object name/);
  });

  it('hides and removes temp files left by a crash', async () => {
    const b = new LocalFolderBackend(dir);
    await b.put('points/p1', Buffer.from('x'));
    await mkdir(join(dir, 'packs', 'aa'), { recursive: true });
    const leftover = join(dir, 'packs', 'aa', `aa${'1'.repeat(62)}.tmp-0a0b0c0d0e0f`);
    await writeFile(leftover, 'partial');
    expect(await b.list('packs/')).toEqual([]);
    expect(await b.removeTemporaries(60_000)).toEqual([]);
    expect(await b.removeTemporaries()).toEqual([leftover]);
    expect(await readdir(join(dir, 'packs', 'aa'))).toEqual([]);
  });
});
