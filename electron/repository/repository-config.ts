import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { deriveWrappingKey, defaultKdfParams, RepositoryKeys, type KdfParams } from './repository-keys';
import { NotARepositoryError, RepositoryCorruptError, WrongPasswordError } from './repository-errors';
import { open, seal } from './sealed-box';
import { ObjectNotFoundError, type RepositoryBackend } from './repository-backend';

export const CONFIG_OBJECT = 'config';
export const REPOSITORY_VERSION = 1 as const;

/**
 * Chunks are 1 MiB, aligned to disk offsets. A multiple of 64 KiB so CBT areas
 * (64 KiB granular) map onto whole chunks; large enough that index and manifest
 * stay small, small enough that an incremental with scattered changes re-reads little.
 */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
export const CHUNK_ALIGNMENT = 64 * 1024;

const configSchema = z.object({
  format: z.literal('lifeboat-repository'),
  version: z.literal(REPOSITORY_VERSION),
  id: z.string().regex(/^[0-9a-f]{32}$/),
  createdAt: z.string(),
  chunkSize: z.number().int().positive().multipleOf(CHUNK_ALIGNMENT),
  kdf: z.object({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: z.string() }),
  /** The master key sealed (AES-256-GCM) with the password-derived key. */
  wrappedKey: z.string(),
  /** HMAC (key from the master key) over the fields above except kdf and wrappedKey. */
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});
export type RepositoryConfig = z.infer<typeof configSchema>;

function macFields(c: Pick<RepositoryConfig, 'format' | 'version' | 'id' | 'createdAt' | 'chunkSize'>): string {
  return JSON.stringify([c.format, c.version, c.id, c.createdAt, c.chunkSize]);
}

function wrapAssociatedData(id: string): string {
  return `lifeboat-master-key:${id}`;
}

export interface CreateConfigOptions {
  chunkSize?: number;
  /** Tests pass cheaper scrypt parameters. */
  kdf?: Omit<KdfParams, 'salt'>;
}

export async function createConfig(
  password: string,
  options: CreateConfigOptions = {},
): Promise<{ config: RepositoryConfig; keys: RepositoryKeys }> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (chunkSize % CHUNK_ALIGNMENT !== 0) throw new RangeError(`chunk size must be a multiple of ${CHUNK_ALIGNMENT} bytes`);
  const kdf: KdfParams = options.kdf ? { ...options.kdf, salt: randomBytes(32).toString('base64') } : defaultKdfParams();
  const id = randomBytes(16).toString('hex');
  const keys = RepositoryKeys.generate();
  const wrapping = await deriveWrappingKey(password, kdf);
  const wrappedKey = seal(wrapping, keys.master, wrapAssociatedData(id)).toString('base64');
  const fields = {
    format: 'lifeboat-repository' as const,
    version: REPOSITORY_VERSION,
    id,
    createdAt: new Date().toISOString(),
    chunkSize,
  };
  const config: RepositoryConfig = { ...fields, kdf, wrappedKey, mac: keys.configMac(macFields(fields)) };
  return { config, keys };
}

/** Reads the config without a password (its id names the keychain entry). */
export async function readConfig(backend: RepositoryBackend): Promise<RepositoryConfig> {
  let raw: Buffer;
  try {
    raw = await backend.get(CONFIG_OBJECT);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new NotARepositoryError(backend.location, 'no config object');
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new NotARepositoryError(backend.location, 'the config object is not JSON');
  }
  const result = configSchema.safeParse(parsed);
  if (!result.success)
    throw new NotARepositoryError(
      backend.location,
      `unsupported or damaged config: ${result.error.issues[0]?.message ?? 'invalid'}`,
    );
  return result.data;
}

/** Unwraps the master key; a failed authentication means the password is wrong. */
export async function unlockConfig(config: RepositoryConfig, password: string): Promise<RepositoryKeys> {
  const wrapping = await deriveWrappingKey(password, config.kdf);
  const master = open(wrapping, Buffer.from(config.wrappedKey, 'base64'), wrapAssociatedData(config.id));
  if (!master) throw new WrongPasswordError();
  const keys = new RepositoryKeys(master);
  if (keys.configMac(macFields(config)) !== config.mac)
    throw new RepositoryCorruptError(CONFIG_OBJECT, 'the config was changed (its authentication code does not match)');
  return keys;
}

/** Re-wraps the same master key under a new password (data stays as it is). */
export async function rewrapConfig(
  config: RepositoryConfig,
  keys: RepositoryKeys,
  newPassword: string,
): Promise<RepositoryConfig> {
  const kdf: KdfParams = { ...config.kdf, salt: randomBytes(32).toString('base64') };
  const wrapping = await deriveWrappingKey(newPassword, kdf);
  return { ...config, kdf, wrappedKey: seal(wrapping, keys.master, wrapAssociatedData(config.id)).toString('base64') };
}

export function encodeConfig(config: RepositoryConfig): Buffer {
  return Buffer.from(JSON.stringify(config, null, 2) + '\n', 'utf8');
}
