import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { RepositoryLock, RepositoryLockedError, STALE_MS } from '../../../electron/repository/repository-lock';
import { tempDir } from './repository-fixtures';

describe('repository locks', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('lets backups share and keeps prune out until they finish', async () => {
    const backend = new LocalFolderBackend(dir);
    const a = await RepositoryLock.acquire(backend, 'shared', 'backup A');
    const b = await RepositoryLock.acquire(backend, 'shared', 'backup B');
    await expect(RepositoryLock.acquire(backend, 'exclusive', 'prune')).rejects.toBeInstanceOf(RepositoryLockedError);
    await a.release();
    await expect(RepositoryLock.acquire(backend, 'exclusive', 'prune')).rejects.toThrow(/in use: backup B/);
    await b.release();
    const prune = await RepositoryLock.acquire(backend, 'exclusive', 'prune');
    await expect(RepositoryLock.acquire(backend, 'shared', 'backup C')).rejects.toThrow(/in use: prune/);
    await prune.release();
    expect(await backend.list('locks/')).toEqual([]);
  });

  it('ignores and removes a lock its holder stopped refreshing', async () => {
    const backend = new LocalFolderBackend(dir);
    await RepositoryLock.acquire(backend, 'shared', 'crashed backup', () => Date.now() - STALE_MS - 1000);
    const prune = await RepositoryLock.acquire(backend, 'exclusive', 'prune');
    expect(await backend.list('locks/')).toHaveLength(1);
    await prune.release();
    expect(await backend.list('locks/')).toHaveLength(0);
  });
});
