/** The password did not unlock the repository key (the key wrap failed authentication). */
export class WrongPasswordError extends Error {
  constructor() {
    super('the repository password is wrong');
    this.name = 'WrongPasswordError';
  }
}

/** Stored data failed a check: names the object and what is wrong with it. */
export class RepositoryCorruptError extends Error {
  constructor(
    readonly objectName: string,
    readonly problem: string,
  ) {
    super(`${objectName}: ${problem}`);
    this.name = 'RepositoryCorruptError';
  }
}

/** The folder holds no repository (or one this version cannot read). */
export class NotARepositoryError extends Error {
  constructor(
    readonly location: string,
    detail: string,
  ) {
    super(`${location} is not a Lifeboat repository (${detail})`);
    this.name = 'NotARepositoryError';
  }
}

export class PointNotFoundError extends Error {
  constructor(
    readonly pointId: string,
    detail = 'no restore point has this id',
  ) {
    super(`restore point ${pointId}: ${detail}`);
    this.name = 'PointNotFoundError';
  }
}

/** `repo init` on a folder that already holds a repository. */
export class RepositoryExistsError extends Error {
  constructor(readonly location: string) {
    super(`${location} already holds a repository`);
    this.name = 'RepositoryExistsError';
  }
}

/** `repo init` on a folder that holds other files: a repository needs a folder of its own. */
export class FolderNotEmptyError extends Error {
  constructor(
    readonly location: string,
    readonly firstFile: string,
  ) {
    super(`${location} is not empty (it holds ${firstFile}, among others); a repository needs an empty folder`);
    this.name = 'FolderNotEmptyError';
  }
}

/**
 * The config failed its own integrity check (checksum, or KDF parameters out
 * of range): the file is damaged or was tampered with. Not a wrong password.
 */
export class ConfigDamagedError extends RepositoryCorruptError {
  constructor(problem: string) {
    super('config', `the config is damaged: ${problem}`);
    this.name = 'ConfigDamagedError';
  }
}
