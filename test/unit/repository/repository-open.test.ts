import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { configChecksum } from '../../../electron/repository/repository-config';
import { NotARepositoryError, RepositoryCorruptError, WrongPasswordError } from '../../../electron/repository/repository-errors';
import { TEST_KDF, folderFiles, tempDir } from './repository-fixtures';

describe('repository init and open', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('opens with the right password and refuses the wrong one with a clear error', async () => {
    const created = await Repository.init(new LocalFolderBackend(dir), 'correct horse', { kdf: TEST_KDF });
    const opened = await Repository.open(new LocalFolderBackend(dir), 'correct horse');
    expect(opened.id).toBe(created.id);
    expect(opened.chunkSize).toBe(1024 * 1024);
    const wrong = Repository.open(new LocalFolderBackend(dir), 'correct horsf');
    await expect(wrong).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(Repository.open(new LocalFolderBackend(dir), 'nope')).rejects.toThrow('the repository password is wrong');
  });

  it('refuses to init twice and reports a folder without a repository', async () => {
    await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    await expect(Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF })).rejects.toThrow(
      /already holds a repository/,
    );
    await expect(Repository.open(new LocalFolderBackend(join(dir, 'elsewhere')), 'pw')).rejects.toBeInstanceOf(
      NotARepositoryError,
    );
  });

  it('keeps the password and the master key out of the config', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'sekrit-password-123', { kdf: TEST_KDF });
    for (const file of await folderFiles(dir)) {
      const text = await readFile(file);
      expect(text.includes(Buffer.from('sekrit-password-123'))).toBe(false);
      expect(text.includes(repo.keys.master)).toBe(false);
      expect(text.includes(Buffer.from(repo.keys.master.toString('base64')))).toBe(false);
    }
  });

  it('rejects chunk sizes that are not multiples of 64 KiB', async () => {
    await expect(Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF, chunkSize: 100_000 })).rejects.toThrow(
      /multiple of 65536/,
    );
  });

  it('changes the password without touching data', async () => {
    const repo = await Repository.init(new LocalFolderBackend(dir), 'old', { kdf: TEST_KDF });
    await repo.changePassword('new');
    await expect(Repository.open(new LocalFolderBackend(dir), 'old')).rejects.toBeInstanceOf(WrongPasswordError);
    expect((await Repository.open(new LocalFolderBackend(dir), 'new')).keys.master.equals(repo.keys.master)).toBe(true);
  });

  it('treats a damaged config as not a repository, not as a wrong password', async () => {
    await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    await writeFile(join(dir, 'config'), '{"format":"something-else"}');
    await expect(Repository.open(new LocalFolderBackend(dir), 'pw')).rejects.toBeInstanceOf(NotARepositoryError);
  });

  it('detects a changed config field as corruption, not as a wrong password', async () => {
    await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    const file = join(dir, 'config');
    const config = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...config, chunkSize: 2 * 1024 * 1024 }));
    const opened = Repository.open(new LocalFolderBackend(dir), 'pw');
    await expect(opened).rejects.toBeInstanceOf(RepositoryCorruptError);
    await expect(Repository.open(new LocalFolderBackend(dir), 'pw')).rejects.toThrow(/config is damaged: its checksum/);
    // Even with the checksum made to match, the MAC under the master key catches it.
    const tampered = { ...config, chunkSize: 2 * 1024 * 1024 };
    await writeFile(file, JSON.stringify({ ...tampered, checksum: configChecksum(tampered) }));
    await expect(Repository.open(new LocalFolderBackend(dir), 'pw')).rejects.toThrow(/config was changed/);
  });
});
