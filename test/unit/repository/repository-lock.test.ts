import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import {
  encodeLock,
  LockLostError,
  RepositoryLock,
  RepositoryLockedError,
  STALE_MS,
} from '../../../electron/repository/repository-lock';
import { verifyRepository } from '../../../electron/repository/repository-verify';
import { listLocks, removeLocks } from '../../../electron/repository/stale-locks';
import { patternBytes } from './memory-disk-image';
import { TEST_KDF, diskMeta, pointMeta, tempDir } from './repository-fixtures';

/** A folder backend whose writes can be made to fail the way a full disk or read-only medium does. */
class FailingBackend extends LocalFolderBackend {
  failWrites: string | null = null;
  override async put(name: string, data: Buffer): Promise<void> {
    if (this.failWrites) throw Object.assign(new Error(`${this.failWrites}: cannot write ${name}`), { code: this.failWrites });
    return super.put(name, data);
  }
  override async delete(name: string): Promise<void> {
    if (this.failWrites) throw Object.assign(new Error(`${this.failWrites}: cannot delete ${name}`), { code: this.failWrites });
    return super.delete(name);
  }
}

describe('repository locks', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let repo: Repository;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    repo = await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
  });
  afterEach(() => cleanup());

  it('lets backups share and keeps prune out until they finish', async () => {
    const { backend, keys } = repo;
    const a = await RepositoryLock.acquire(backend, keys, 'shared', 'backup A');
    const b = await RepositoryLock.acquire(backend, keys, 'shared', 'backup B');
    await expect(RepositoryLock.acquire(backend, keys, 'exclusive', 'prune')).rejects.toBeInstanceOf(RepositoryLockedError);
    await a.release();
    await expect(RepositoryLock.acquire(backend, keys, 'exclusive', 'prune')).rejects.toThrow(/in use: backup B/);
    await b.release();
    const prune = await RepositoryLock.acquire(backend, keys, 'exclusive', 'prune');
    await expect(RepositoryLock.acquire(backend, keys, 'shared', 'backup C')).rejects.toThrow(/in use: prune/);
    await prune.release();
    expect(await backend.list('locks/')).toEqual([]);
  });

  it('ignores and removes a lock its holder stopped refreshing', async () => {
    const { backend, keys } = repo;
    await RepositoryLock.acquire(backend, keys, 'shared', 'crashed backup', { now: () => Date.now() - STALE_MS - 1000 });
    const prune = await RepositoryLock.acquire(backend, keys, 'exclusive', 'prune');
    expect(await backend.list('locks/')).toHaveLength(1);
    await prune.release();
    expect(await backend.list('locks/')).toHaveLength(0);
  });

  it('seals lock bodies like every other object: no VM name, host or JSON on disk', async () => {
    const w = repo.beginPoint(pointMeta());
    await w.ready();
    const files = await readdir(join(dir, 'locks'));
    expect(files).toHaveLength(1);
    const body = await readFile(join(dir, 'locks', files[0]!));
    expect(body.includes(Buffer.from('web-01'))).toBe(false);
    expect(body.includes(Buffer.from('"pid"'))).toBe(false);
    expect(() => JSON.parse(body.toString('utf8'))).toThrow();
    expect((await listLocks(repo))[0]!.holder).toMatchObject({
      kind: 'shared',
      purpose: expect.stringMatching(/backup of web-01/),
    });
    await w.abort();
  });

  it('a refresh that fails aborts the holder: the backup stops and commits nothing', async () => {
    const backend = new FailingBackend(dir);
    const opened = await Repository.open(backend, 'pw');
    const w = opened.beginPoint(pointMeta());
    const signal = await w.ready();
    const disk = w.addDisk(diskMeta(2000, 2 * 1024 * 1024));
    await disk.writeRange(0, patternBytes(1024 * 1024, 1));
    // Reach the lock the writer holds, as its refresh timer would.
    const lock = await (w as unknown as { lock: Promise<RepositoryLock> }).lock;
    backend.failWrites = 'ENOSPC';
    await lock.refresh();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(LockLostError);
    backend.failWrites = null;
    await expect(disk.writeRange(1024 * 1024, patternBytes(1024 * 1024, 2))).rejects.toThrow(/lock was lost/);
    await expect(w.commit()).rejects.toThrow(/lock was lost/);
    expect(await opened.pointIds()).toEqual([]);
  });

  it('a lock someone removed (repo unlock --remove-all) aborts its holder at the next refresh', async () => {
    const lock = await RepositoryLock.acquire(repo.backend, repo.keys, 'shared', 'restore');
    expect((await removeLocks(repo, { all: true })).removed).toHaveLength(1);
    await lock.refresh();
    expect(lock.signal.aborted).toBe(true);
  });

  it('verify holds a shared lock (prune is refused while it runs, and it waits for no prune)', async () => {
    let pruneOutcome: unknown;
    await repo.withSharedLock('verify', async () => {
      pruneOutcome = await RepositoryLock.acquire(repo.backend, repo.keys, 'exclusive', 'prune').catch((e: unknown) => e);
    });
    expect(pruneOutcome).toBeInstanceOf(RepositoryLockedError);
    const prune = await RepositoryLock.acquire(repo.backend, repo.keys, 'exclusive', 'prune');
    await expect(verifyRepository(repo)).rejects.toThrow(/in use: prune/);
    await prune.release();
    expect((await verifyRepository(repo)).ok).toBe(true);
    expect(await repo.backend.list('locks/')).toEqual([]);
  });

  it('readers on read-only media go on without a lock; writers do not', async () => {
    const backend = new FailingBackend(dir);
    const opened = await Repository.open(backend, 'pw');
    backend.failWrites = 'EROFS';
    expect((await verifyRepository(opened)).ok).toBe(true);
    await expect(opened.withExclusiveLock('prune', async () => 'ran')).rejects.toThrow(/EROFS/);
  });

  it('repo unlock removes stale and unreadable locks and keeps live ones', async () => {
    const live = await RepositoryLock.acquire(repo.backend, repo.keys, 'shared', 'backup running here');
    const record = {
      kind: 'shared' as const,
      purpose: 'old backup',
      host: 'elsewhere',
      pid: 1,
      time: new Date(Date.now() - STALE_MS - 1).toISOString(),
    };
    await repo.backend.put(`locks/${'1'.repeat(24)}`, encodeLock(repo.keys, record));
    await repo.backend.put(`locks/${'2'.repeat(24)}`, Buffer.from('junk'));
    const { removed, kept } = await removeLocks(repo);
    expect(removed.map((l) => l.object).sort()).toEqual([`locks/${'1'.repeat(24)}`, `locks/${'2'.repeat(24)}`]);
    expect(kept).toHaveLength(1);
    await live.release();
  });
});
