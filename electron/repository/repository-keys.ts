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

/** Derives the 32-byte key-encryption key from the password. */
export function deriveWrappingKey(password: string, kdf: KdfParams): Promise<Buffer> {
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
