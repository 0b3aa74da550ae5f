import { createHmac, hkdfSync, randomBytes, scrypt } from 'node:crypto';

/** scrypt parameters as stored in the config (salt base64). */
export interface KdfParams {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
}

/** N=2^15, r=8 uses 32 MiB and ~0.1 s: slow enough to hurt guessing, fine on a laptop. */
export function defaultKdfParams(): KdfParams {
  return { name: 'scrypt', N: 1 << 15, r: 8, p: 1, salt: randomBytes(32).toString('base64') };
}

/**
 * The scrypt parameters Lifeboat accepts, from a config or for a new one. A
 * config is read before any password is checked, so its parameters are
 * untrusted input: unbounded, N=2^30 is a malloc failure and p=4096 a minute
 * of CPU. N from 2^10 (tests) to 2^20, r 1..32, p 1..16, at most 256 MiB of
 * memory (128·N·r) and at most 2^22 block mixes (N·r·p; the default is 2^18).
 */
export const KDF_LIMITS = {
  minLogN: 10,
  maxLogN: 20,
  maxR: 32,
  maxP: 16,
  maxMemoryBytes: 256 * 1024 * 1024,
  maxWork: 2 ** 22,
  minSaltBytes: 16,
} as const;

/** Why these parameters are refused, or null when they are within KDF_LIMITS. */
export function kdfParamsProblem(kdf: Pick<KdfParams, 'N' | 'r' | 'p'> & { salt?: string }): string | null {
  const { N, r, p } = kdf;
  const range = `N a power of two from 2^${KDF_LIMITS.minLogN} to 2^${KDF_LIMITS.maxLogN}, r 1..${KDF_LIMITS.maxR}, p 1..${KDF_LIMITS.maxP}, 128·N·r at most ${KDF_LIMITS.maxMemoryBytes / 1024 / 1024} MiB, N·r·p at most 2^22`;
  const bad = `scrypt parameters N=${N} r=${r} p=${p} are outside the supported range (${range})`;
  const isInt = (v: number): boolean => Number.isSafeInteger(v) && v > 0;
  if (!isInt(N) || !isInt(r) || !isInt(p)) return bad;
  if ((N & (N - 1)) !== 0 || N < 2 ** KDF_LIMITS.minLogN || N > 2 ** KDF_LIMITS.maxLogN) return bad;
  if (r > KDF_LIMITS.maxR || p > KDF_LIMITS.maxP) return bad;
  if (128 * N * r > KDF_LIMITS.maxMemoryBytes || N * r * p > KDF_LIMITS.maxWork) return bad;
  if (kdf.salt !== undefined && Buffer.from(kdf.salt, 'base64').length < KDF_LIMITS.minSaltBytes)
    return `the scrypt salt is shorter than ${KDF_LIMITS.minSaltBytes} bytes`;
  return null;
}

/** Derives the 32-byte key-encryption key from the password (parameters must pass kdfParamsProblem). */
export function deriveWrappingKey(password: string, kdf: KdfParams): Promise<Buffer> {
  const problem = kdfParamsProblem(kdf);
  if (problem) return Promise.reject(new RangeError(problem));
  return new Promise((resolve, reject) => {
    const maxmem = 256 * kdf.N * kdf.r + 16 * 1024 * 1024;
    scrypt(
      password.normalize('NFC'),
      Buffer.from(kdf.salt, 'base64'),
      32,
      { N: kdf.N, r: kdf.r, p: kdf.p, maxmem },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/**
 * The keys everything else uses, derived from one random master key (the one
 * the password wraps), so the password can change without re-encrypting data.
 */
export class RepositoryKeys {
  /** AES-256-GCM key for chunks, pack headers, indexes and manifests. */
  readonly encryption: Buffer;
  /** HMAC key for chunk ids: ids then say nothing about content to someone without the key. */
  private readonly chunkIdKey: Buffer;

  constructor(readonly master: Buffer) {
    this.encryption = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lifeboat repository encryption v1', 32));
    this.chunkIdKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'lifeboat repository chunk id v1', 32));
  }

  static generate(): RepositoryKeys {
    return new RepositoryKeys(randomBytes(32));
  }

  /** Authenticates the config's plain fields (chunk size etc.), which the key wrap does not cover. */
  configMac(fields: string): string {
    const key = Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), 'lifeboat repository config mac v1', 32));
    return createHmac('sha256', key).update(fields).digest('hex');
  }

  chunkId(plain: Buffer): string {
    return createHmac('sha256', this.chunkIdKey).update(plain).digest('hex');
  }
}
