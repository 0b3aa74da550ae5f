/**
 * Where repository objects live. Object-store shaped on purpose so that an
 * S3-compatible backend can follow the local folder one: keys are immutable
 * once written, there is no append and no rename, listing is by prefix.
 * Names use `/` as separator, e.g. `config`, `packs/ab/ab12…`, `index/…`, `points/…`.
 */
export interface StoredObject {
  name: string;
  size: number;
}

export interface RepositoryBackend {
  /** Human description of where the repository is (a folder path, a bucket URL). */
  readonly location: string;
  /** Stores `data` under `name` atomically: readers see the whole object or nothing. */
  put(name: string, data: Buffer): Promise<void>;
  /** Reads a whole object; rejects with ObjectNotFoundError when it does not exist. */
  get(name: string): Promise<Buffer>;
  /**
   * Reads `length` bytes at `offset` of an object (fewer at its end). With `into`
   * (at least `length` bytes) the bytes land there and the result is a view of it.
   */
  getRange(name: string, offset: number, length: number, into?: Buffer): Promise<Buffer>;
  /** Size of an object, or null when it does not exist. */
  size(name: string): Promise<number | null>;
  exists(name: string): Promise<boolean>;
  /** Objects whose names start with `prefix`, sorted by name. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Removes an object; a missing object is not an error. */
  delete(name: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(
    readonly location: string,
    readonly objectName: string,
  ) {
    super(`${objectName} is missing from the repository at ${location}`);
    this.name = 'ObjectNotFoundError';
  }
}

/** Object names are relative, `/`-separated and free of `.`/`..` parts. */
export function assertObjectName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(name) || name.split('/').some((p) => p === '..')) {
    throw new Error(`invalid repository object name: ${JSON.stringify(name)}`);
  }
}
