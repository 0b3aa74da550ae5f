import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { configChecksum, type RepositoryConfig } from '../../../electron/repository/repository-config';
import { ConfigDamagedError, WrongPasswordError } from '../../../electron/repository/repository-errors';
import { TEST_KDF, tempDir } from './repository-fixtures';

type ConfigJson = Record<string, unknown> & { kdf: Record<string, unknown>; wrappedKey: string; salt?: string };

/** Flips one bit of a base64 field's decoded bytes, keeping it valid base64. */
function flipBase64(text: string, at: number): string {
  const bytes = Buffer.from(text, 'base64');
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString('base64');
}

/** What someone crafting a config would do: fix up the checksum so only the KDF parameters stand out. */
function withChecksum(c: ConfigJson): ConfigJson {
  return { ...c, checksum: configChecksum(c as unknown as RepositoryConfig) };
}

describe('a damaged config is not a wrong password; KDF parameters are bounded', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  let original: ConfigJson;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    await Repository.init(new LocalFolderBackend(dir), 'pw', { kdf: TEST_KDF });
    file = join(dir, 'config');
    original = JSON.parse(await readFile(file, 'utf8')) as ConfigJson;
  });
  afterEach(() => cleanup());

  async function openWith(config: ConfigJson, password = 'pw'): Promise<unknown> {
    await writeFile(file, JSON.stringify(config, null, 2));
    return Repository.open(new LocalFolderBackend(dir), password).then(
      () => 'opened',
      (err: unknown) => err,
    );
  }

  it('a flipped bit in the wrapped key, the salt or the id is reported as damage, not a wrong password', async () => {
    const damaged: ConfigJson[] = [
      { ...original, wrappedKey: flipBase64(original.wrappedKey, 20) },
      { ...original, kdf: { ...original.kdf, salt: flipBase64(original.kdf.salt as string, 3) } },
      { ...original, id: `${(original.id as string).slice(0, 31)}${(original.id as string).endsWith('0') ? '1' : '0'}` },
    ];
    for (const config of damaged) {
      const err = await openWith(config);
      expect(err).toBeInstanceOf(ConfigDamagedError);
      expect(err).not.toBeInstanceOf(WrongPasswordError);
      expect((err as Error).message).toMatch(/config is damaged/);
    }
  });

  it('a wrong password on an intact config is still a wrong password', async () => {
    expect(await openWith(original, 'not-it')).toBeInstanceOf(WrongPasswordError);
    expect(await openWith(original)).toBe('opened');
  });

  it('refuses scrypt parameters outside the documented range before deriving anything', async () => {
    for (const kdf of [
      { N: 2 ** 30, r: 8, p: 1 },
      { N: 2 ** 22, r: 8, p: 1 },
      { N: 1024, r: 8, p: 4096 },
      { N: 1000, r: 8, p: 1 },
      { N: 1024, r: 0, p: 1 },
    ]) {
      const err = await openWith(withChecksum({ ...original, kdf: { ...original.kdf, ...kdf } }));
      expect(err, JSON.stringify(kdf)).toBeInstanceOf(ConfigDamagedError);
      expect((err as Error).message).toMatch(/scrypt parameters .* outside the supported range/);
    }
    await expect(
      Repository.init(new LocalFolderBackend(join(dir, 'other')), 'pw', { kdf: { name: 'scrypt', N: 2 ** 24, r: 8, p: 1 } }),
    ).rejects.toThrow(/outside the supported range/);
  });
});
