import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub } from '../../../electron/engine/event-hub';
import { ExportHandlers } from '../../../electron/engine/export-handlers';
import { JobRegistry } from '../../../electron/engine/job-registry';
import { RepositoryHandlers } from '../../../electron/engine/repository-handlers';
import { MemorySecretStore } from '../../support/memory-secret-store';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { writeDemoPoint } from '../../../electron/restore-points/demo-restore-point';
import { TEST_KDF } from '../repository/repository-fixtures';

/** export.start checks the typed destination on the engine's machine before anything is written. */
describe('export.start refuses a destination it cannot safely write', () => {
  let dir: string;
  let repoId: string;
  let pointId: string;
  let exports: ExportHandlers;
  const jobs = new JobRegistry(new EventHub());

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-export-handlers-'));
    const repo = await Repository.init(new LocalFolderBackend(join(dir, 'repo')), 'pw', { kdf: TEST_KDF });
    pointId = (await writeDemoPoint(repo)).id;
    const repositories = new RepositoryHandlers(new MemorySecretStore(), {});
    repoId = (await repositories.openFolder({ path: join(dir, 'repo'), password: 'pw' })).id;
    exports = new ExportHandlers(repositories, jobs);
    await mkdir(join(dir, 'out'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const request = (destination: string, overwrite?: boolean) => ({ repositoryId: repoId, point: pointId, disk: 2000, format: 'raw' as const, destination, overwrite });

  it('a relative path (relative to what, on the server?)', async () => {
    await expect(exports.start(request('disk.img'))).rejects.toMatchObject({ code: 'export-path-not-absolute' });
  });

  it('a folder that does not exist', async () => {
    await expect(exports.start(request(join(dir, 'nowhere', 'disk.img')))).rejects.toMatchObject({ code: 'export-folder-missing' });
  });

  it('a path inside a repository', async () => {
    await expect(exports.start(request(join(dir, 'repo', 'disk.img')))).rejects.toMatchObject({ code: 'export-inside-repository' });
  });

  it('an existing file, unless replacing it was allowed', async () => {
    await writeFile(join(dir, 'out', 'disk.img'), 'keep me');
    await expect(exports.start(request(join(dir, 'out', 'disk.img')))).rejects.toMatchObject({ code: 'export-file-exists' });
    const { jobId } = await exports.start(request(join(dir, 'out', 'disk.img'), true));
    await expect.poll(() => jobs.list().find((j) => j.id === jobId)?.phase, { timeout: 60_000 }).toBe('succeeded');
  });

  it('a disk the point does not have', async () => {
    await expect(exports.start({ ...request(join(dir, 'out', 'other.img')), disk: 9999 })).rejects.toMatchObject({ code: 'export-no-such-disk' });
  });
});
