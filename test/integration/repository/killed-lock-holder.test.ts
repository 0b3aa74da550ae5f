import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { pruneRepository } from '../../../electron/repository/repository-prune';
import { TEST_KDF, diskMeta, pointMeta, tempDir } from '../../unit/repository/repository-fixtures';

const ROOT = resolve(__dirname, '..', '..', '..');
let holder = '';

/** Starts a process that takes the repository's backup lock, and kills it (SIGKILL) once it holds it. */
async function killedHolder(dir: string, mode: 'backup' | 'prune' = 'backup'): Promise<number> {
  const child = spawn(process.execPath, [holder, dir, 'pw', mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('holding') && done());
    child.on('exit', (code) => fail(new Error(`lock holder exited early (${code})`)));
  });
  const exited = new Promise((done) => child.on('exit', done));
  child.kill('SIGKILL');
  await exited;
  return child.pid!;
}

describe('a lock left by a killed process on this host', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    holder = join(ROOT, 'test-output', 'repository', `lock-holder-${process.pid}.cjs`);
    await build({
      entryPoints: [join(__dirname, 'lock-holder-process.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      outfile: holder,
      logLevel: 'silent',
    });
  });
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('is stale at once: prune runs and removes it, no 30-minute wait', async () => {
    await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    await killedHolder(dir);
    const repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
    expect(await repo.backend.list('locks/')).toHaveLength(1);
    const report = await pruneRepository(repo);
    expect(report.packsDeleted).toBeGreaterThanOrEqual(0);
    expect(await repo.backend.list('locks/')).toHaveLength(0);
  });

  it("a killed prune's lock does not stop the next backup", async () => {
    await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    await killedHolder(dir, 'prune');
    const repo = await Repository.open(new LocalFolderBackend(dir), 'pw');
    expect(await repo.backend.list('locks/')).toHaveLength(1);
    const w = repo.beginPoint(pointMeta());
    await w.addDisk(diskMeta(2000, 1024 * 1024)).writeRange(0, Buffer.alloc(1024 * 1024, 3));
    const { manifest } = await w.commit();
    expect(await repo.pointIds()).toEqual([manifest.id]);
  });
});
