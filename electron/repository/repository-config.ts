import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createHash } from 'node:crypto';
import { deriveWrappingKey, defaultKdfParams, kdfParamsProblem, RepositoryKeys, type KdfParams } from './repository-keys';
import { ConfigDamagedError, NotARepositoryError, RepositoryCorruptError, WrongPasswordError } from './repository-errors';
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
  /**
   * SHA-256 of the config's JSON without this field: its own integrity,
   * checkable without the password, so damage is not mistaken for a wrong
   * password. Absent in configs written before it existed.
   */
  checksum: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
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
  const kdfProblem = kdfParamsProblem(kdf);
  if (kdfProblem) throw new RangeError(kdfProblem);
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
    // A config object that is not JSON any more: a changed byte, not someone else's folder.
    throw new ConfigDamagedError('it is not valid JSON');
  }
  const result = configSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const detail = `${issue?.path.join('.') || 'config'}: ${issue?.message ?? 'invalid'}`;
    // Our format name with broken fields is damage; another version or format is not ours to read.
    const head = parsed as { format?: unknown; version?: unknown } | null;
    if (head?.format === 'lifeboat-repository' && typeof head.version === 'number' && head.version !== REPOSITORY_VERSION)
      throw new NotARepositoryError(
        backend.location,
        `format version ${head.version}; this Lifeboat reads version ${REPOSITORY_VERSION}`,
      );
    if (head?.format === 'lifeboat-repository') throw new ConfigDamagedError(`a field is missing or invalid (${detail})`);
    throw new NotARepositoryError(backend.location, `unsupported or damaged config: ${detail}`);
  }
  checkConfigIntegrity(result.data);
  return result.data;
}

/** SHA-256 over every field but the checksum, in a fixed order (independent of JSON key order). */
export function configChecksum(c: Omit<RepositoryConfig, 'checksum'>): string {
  const fields = [
    c.format,
    c.version,
    c.id,
    c.createdAt,
    c.chunkSize,
    c.kdf.name,
    c.kdf.N,
    c.kdf.r,
    c.kdf.p,
    c.kdf.salt,
    c.wrappedKey,
    c.mac,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** The checks that need no password: the checksum, then the KDF parameters' range (before any scrypt runs). */
function checkConfigIntegrity(config: RepositoryConfig): void {
  if (config.checksum !== undefined && configChecksum(config) !== config.checksum)
    throw new ConfigDamagedError(
      'its checksum does not match its content (a changed byte in the key, salt or id), so no password can open it',
    );
  const problem = kdfParamsProblem(config.kdf);
  if (problem) throw new ConfigDamagedError(problem);
}

/**
 * Unwraps the master key. The config's own integrity is checked first, so a
 * failed key-wrap authentication after that means the password is wrong.
 */
export async function unlockConfig(config: RepositoryConfig, password: string): Promise<RepositoryKeys> {
  checkConfigIntegrity(config);
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

/** The config as stored, with a fresh checksum. */
export function encodeConfig(config: RepositoryConfig): Buffer {
  const { checksum: _old, ...rest } = config;
  const sealed: RepositoryConfig = { ...rest, checksum: configChecksum(rest) };
  return Buffer.from(JSON.stringify(sealed, null, 2) + '\n', 'utf8');
}
