import { ChunkCache } from './chunk-cache';
import { ChunkDecodePool } from './chunk-decode-pool';
import { ChunkIndex } from './chunk-index';
import { packObjectName } from './pack-format';
import { DEFAULT_INDEX_EVERY_PACKS, DEFAULT_PACK_TARGET, PackWriter } from './pack-writer';
import { decodeManifest, pointObjectName, POINTS_PREFIX } from './point-store';
import { PointWriter } from './point-writer';
import { ReadBufferPool } from '../disks/read-buffer-pool';
import {
  CONFIG_OBJECT,
  createConfig,
  encodeConfig,
  readConfig,
  rewrapConfig,
  unlockConfig,
  type CreateConfigOptions,
  type RepositoryConfig,
} from './repository-config';
import { FolderNotEmptyError, PointNotFoundError, RepositoryCorruptError, RepositoryExistsError } from './repository-errors';
import { RestorePoint } from './restore-point';
import { RepositoryLock } from './repository-lock';
import type { PointMeta, RestorePointManifest } from './restore-point-manifest';
import type { RepositoryBackend } from './repository-backend';
import type { RepositoryKeys } from './repository-keys';

/** Backends that can leave half-written objects behind after a crash offer this. */
interface CleansTemporaries {
  removeTemporaries(minAgeMs: number): Promise<string[]>;
}

function cleansTemporaries(b: RepositoryBackend): b is RepositoryBackend & CleansTemporaries {
  return typeof (b as Partial<CleansTemporaries>).removeTemporaries === 'function';
}

export interface PointSummary {
  id: string;
  createdAt: string;
  kind: 'full' | 'incremental';
  parentPointId: string | null;
  vm: string;
  disks: number;
  capacityBytes: number;
  allocatedBytes: number;
}

/** A temp file this old is a crash leftover: a single object write takes seconds. */
export const TEMP_FILE_GRACE_MS = 15 * 60 * 1000;

export interface RepositoryOptions {
  /** Temp files younger than this are left alone by a writer's cleanup (default TEMP_FILE_GRACE_MS). */
  tempFileGraceMs?: number;
  /** Pack size target in bytes (tests use small packs to get several). */
  packTarget?: number;
  /** A writer saves an index object every this many packs (default DEFAULT_INDEX_EVERY_PACKS). */
  indexEveryPacks?: number;
  /** Reader cache size in chunks. */
  cacheChunks?: number;
  /** Threads that decrypt and decompress chunks for readers (default: defaultDecodeWorkers(); 0: on the calling thread). */
  decodeWorkers?: number;
  /** The decode worker's script (default: the compiled one beside the repository code; null: decode in-thread). */
  decodeWorkerScript?: string | null;
  /** Threads that compress and seal new chunks for writers (default: defaultEncodeWorkers(); 0: on the calling thread). */
  encodeWorkers?: number;
  /** The encode worker's script (default: the compiled one beside the repository code; null: seal in-thread). */
  encodeWorkerScript?: string | null;
}

/** Room for a sealed chunk beyond its plain size (codec byte, nonce, tag; zstd's worst case is a little larger still). */
const READ_BUFFER_SLACK = 4096;
/** Free read buffers kept: the decoder holds a handful of chunks at once. */
const READ_BUFFERS_KEPT = 8;
/** Point manifests a scan reads at once. */
const MANIFEST_READS_AT_ONCE = 8;

/** The restore-point repository: open it with the password, then write or read points. */
export class Repository {
  private readonly cache: ChunkCache;
  private readonly manifests = new Map<string, RestorePointManifest>();
  private decoderPool: ChunkDecodePool | undefined;
  /** Sealed chunk bytes are read into these and handed back once decoded (in flight at most: the decoder's bound). */
  private readonly readBuffers: ReadBufferPool;

  private constructor(
    readonly backend: RepositoryBackend,
    readonly config: RepositoryConfig,
    readonly keys: RepositoryKeys,
    private chunkIndex: ChunkIndex,
    private readonly options: RepositoryOptions,
  ) {
    this.readBuffers = new ReadBufferPool(config.chunkSize + READ_BUFFER_SLACK, READ_BUFFERS_KEPT);
    this.cache = new ChunkCache(options.cacheChunks ?? Math.max(4, Math.floor((16 * 1024 * 1024) / config.chunkSize)));
  }

  get id(): string {
    return this.config.id;
  }

  /** Which chunks the repository holds (loaded at open, kept current by writers and prune). */
  get index(): ChunkIndex {
    return this.chunkIndex;
  }

  /** Index objects skipped at open because they could not be read. */
  get damagedIndexes(): ReadonlyArray<{ object: string; problem: string }> {
    return this.chunkIndex.damaged;
  }

  async reloadIndex(): Promise<void> {
    this.chunkIndex = await ChunkIndex.load(this.backend, this.keys);
  }

  get chunkSize(): number {
    return this.config.chunkSize;
  }

  /**
   * Creates a new repository; refuses when the backend already holds one, or
   * any file at all: cleanup and prune own the folder's repository names, so
   * a user's files must not live there.
   */
  static async init(
    backend: RepositoryBackend,
    password: string,
    options: CreateConfigOptions & RepositoryOptions = {},
  ): Promise<Repository> {
    if (await backend.exists(CONFIG_OBJECT)) throw new RepositoryExistsError(backend.location);
    const present = await backend.list('');
    if (present.length > 0) throw new FolderNotEmptyError(backend.location, present[0]!.name);
    const { config, keys } = await createConfig(password, options);
    await backend.put(CONFIG_OBJECT, encodeConfig(config));
    return new Repository(backend, config, keys, new ChunkIndex(), options);
  }

  /**
   * Opens a repository; WrongPasswordError when the password does not unlock it.
   * Reads only: a repository on read-only media opens, lists and restores.
   */
  static async open(backend: RepositoryBackend, password: string, options: RepositoryOptions = {}): Promise<Repository> {
    const config = await readConfig(backend);
    const keys = await unlockConfig(config, password);
    const index = await ChunkIndex.load(backend, keys);
    return new Repository(backend, config, keys, index, options);
  }

  /**
   * Removes half-written objects a crashed write left (the repository's own
   * temp names only). Writers call it once they hold their lock; only old
   * files go, a younger one may be another process's write in progress.
   */
  async removeStaleTemporaries(): Promise<string[]> {
    if (!cleansTemporaries(this.backend)) return [];
    return this.backend.removeTemporaries(this.options.tempFileGraceMs ?? TEMP_FILE_GRACE_MS);
  }

  /** Starts a restore point; see PointWriter. */
  beginPoint(meta: PointMeta): PointWriter {
    return new PointWriter(
      {
        backend: this.backend,
        keys: this.keys,
        chunkSize: this.chunkSize,
        packs: new PackWriter(
          this.backend,
          this.keys,
          this.index,
          this.options.packTarget ?? DEFAULT_PACK_TARGET,
          this.options.indexEveryPacks ?? DEFAULT_INDEX_EVERY_PACKS,
          { workers: this.options.encodeWorkers, workerScript: this.options.encodeWorkerScript },
        ),
        readChunk: (id) => this.readChunk(id),
        loadPoint: (id) => this.loadPoint(id),
        removeStaleTemporaries: () => this.removeStaleTemporaries(),
      },
      meta,
    );
  }

  async pointIds(): Promise<string[]> {
    return (await this.backend.list(POINTS_PREFIX)).map((o) => o.name.slice(POINTS_PREFIX.length));
  }

  /** Accepts a full id or a unique prefix of one. */
  async resolvePointId(idOrPrefix: string): Promise<string> {
    const ids = await this.pointIds();
    if (ids.includes(idOrPrefix)) return idOrPrefix;
    const matches = ids.filter((id) => id.startsWith(idOrPrefix));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1)
      throw new PointNotFoundError(idOrPrefix, `the prefix matches ${matches.length} restore points; give more characters`);
    throw new PointNotFoundError(idOrPrefix);
  }

  async loadPoint(idOrPrefix: string): Promise<RestorePointManifest> {
    return this.loadListedPoint(await this.resolvePointId(idOrPrefix));
  }

  /** A point by the full id a listing just gave (resolving it again would list every point once more: n² for a scan). */
  private async loadListedPoint(id: string): Promise<RestorePointManifest> {
    const cached = this.manifests.get(id);
    if (cached) return cached;
    const manifest = decodeManifest(this.keys, id, await this.backend.get(pointObjectName(id)));
    this.manifests.set(id, manifest);
    return manifest;
  }

  async openPoint(idOrPrefix: string): Promise<RestorePoint> {
    return new RestorePoint(await this.loadPoint(idOrPrefix), (id) => this.cache.get(id, (c) => this.readChunk(c)));
  }

  /** Restore points, oldest first; see scanPoints for the ones that could not be read. */
  async listPoints(): Promise<PointSummary[]> {
    return (await this.scanPoints()).points;
  }

  /** Every readable restore point, oldest first, and the manifests that could not be read (each one on its own). */
  async scanPoints(): Promise<{ points: PointSummary[]; damaged: Array<{ object: string; problem: string }> }> {
    const out: PointSummary[] = [];
    const damaged: Array<{ object: string; problem: string }> = [];
    const ids = await this.pointIds();
    // Manifests read a few at a time (each is a small object); a damaged one is reported, not fatal.
    const loaded: Array<RestorePointManifest | RepositoryCorruptError> = [];
    for (let i = 0; i < ids.length; i += MANIFEST_READS_AT_ONCE) {
      const batch = ids.slice(i, i + MANIFEST_READS_AT_ONCE).map((id) =>
        this.loadListedPoint(id).catch((err: unknown) => {
          if (err instanceof RepositoryCorruptError) return err;
          throw err;
        }),
      );
      loaded.push(...(await Promise.all(batch)));
    }
    for (const [i, id] of ids.entries()) {
      const m = loaded[i]!;
      if (m instanceof RepositoryCorruptError) {
        damaged.push({ object: pointObjectName(id), problem: m.problem });
        continue;
      }
      out.push({
        id,
        createdAt: m.createdAt,
        kind: m.kind,
        parentPointId: m.parentPointId,
        vm: m.vm.name,
        disks: m.disks.length,
        capacityBytes: m.disks.reduce((s, d) => s + d.capacity, 0),
        allocatedBytes: m.disks.reduce((s, d) => s + d.allocatedBytes, 0),
      });
    }
    out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    return { points: out, damaged };
  }

  /**
   * Runs `fn` under a shared lock, so no prune deletes the packs it reads
   * (restore, export, verify). `signal` aborts when the lock is lost: stop then.
   * On read-only media it runs without a lock file (nobody can prune there).
   */
  async withSharedLock<T>(purpose: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.withLock('shared', purpose, fn);
  }

  /** Runs `fn` alone (prune, repair): refused while any fresh lock is held. */
  async withExclusiveLock<T>(purpose: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.withLock('exclusive', purpose, fn);
  }

  private async withLock<T>(kind: 'shared' | 'exclusive', purpose: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const lock = await RepositoryLock.acquire(this.backend, this.keys, kind, purpose, { allowReadOnlyMedium: kind === 'shared' });
    try {
      return await fn(lock.signal);
    } finally {
      await lock.release();
    }
  }

  /** Removes a restore point's manifest; its chunks go at the next prune. */
  async forget(idOrPrefix: string): Promise<string> {
    const id = await this.resolvePointId(idOrPrefix);
    await this.backend.delete(pointObjectName(id));
    this.manifests.delete(id);
    return id;
  }

  /** Decrypts and decompresses for readers, in worker threads where it can (created at the first read). */
  private get decoder(): ChunkDecodePool {
    this.decoderPool ??= new ChunkDecodePool(this.keys.encryption, {
      workers: this.options.decodeWorkers,
      workerScript: this.options.decodeWorkerScript,
    });
    return this.decoderPool;
  }

  /** True when chunk reads are decoded in worker threads (for the bench and `lifeboat env`-style reports). */
  get decodesInWorkers(): boolean {
    return this.decoder.usesWorkers;
  }

  /** Reads, decrypts and authenticates one chunk (no cache); see openAuthenticatedChunk for why its id is not hashed again. */
  async readChunk(id: string): Promise<Buffer> {
    const loc = this.index.get(id);
    if (!loc)
      throw new RepositoryCorruptError(
        `chunk ${id.slice(0, 16)}`,
        'referenced but no readable index lists it (an index is damaged or missing: run `lifeboat repo repair` to rebuild the index from the packs)',
      );
    const name = packObjectName(loc.pack);
    // Taken when the read starts (after the decoder made room), so waiting callers hold no buffer.
    let buffer: Buffer | undefined;
    return this.decoder.decode({
      id,
      where: name,
      rawLength: loc.rawLength,
      release: () => buffer && this.readBuffers.give(buffer),
      read: async () => {
        buffer = this.readBuffers.take(loc.length);
        const stored = await this.backend.getRange(name, loc.offset, loc.length, buffer);
        if (stored.length !== loc.length)
          throw new RepositoryCorruptError(name, `pack is shorter than its index says (truncated?)`);
        return stored;
      },
    });
  }

  /** Same master key under a new password; data is not rewritten. */
  async changePassword(newPassword: string): Promise<void> {
    const config = await rewrapConfig(this.config, this.keys, newPassword);
    await this.backend.put(CONFIG_OBJECT, encodeConfig(config));
    Object.assign(this.config, config);
  }

  /** Totals for `repo list`/`show` and the bench. */
  async stats(): Promise<{ packs: number; packBytes: number; indexBytes: number; chunks: number; points: number }> {
    const packs = await this.backend.list('packs/');
    const indexes = await this.backend.list('index/');
    return {
      packs: packs.length,
      packBytes: packs.reduce((s, p) => s + p.size, 0),
      indexBytes: indexes.reduce((s, p) => s + p.size, 0),
      chunks: this.index.chunkCount,
      points: (await this.pointIds()).length,
    };
  }
}
