import { BadInputError, LifeboatError } from '../errors/lifeboat-error';

/** The password did not unlock the repository key (the key wrap failed authentication). */
export class WrongPasswordError extends LifeboatError {
  constructor() {
    super('the repository password is wrong', {
      code: 'wrong-password',
      hint: 'Check the password and try again; a password saved in the keychain is replaced by giving the right one with "remember" (--remember).',
    });
    this.name = 'WrongPasswordError';
  }
}

/** Stored data failed a check: names the object and what is wrong with it. */
export class RepositoryCorruptError extends LifeboatError {
  constructor(
    readonly objectName: string,
    readonly problem: string,
    hint = 'Run `lifeboat repo verify` to see every damaged object, and `lifeboat repo repair` to rebuild the index from the packs.',
  ) {
    super(`${objectName}: ${problem}`, { code: 'repository-corrupt', hint });
    this.name = 'RepositoryCorruptError';
  }
}

/** The folder holds no repository (or one this version cannot read). */
export class NotARepositoryError extends LifeboatError {
  constructor(
    readonly location: string,
    detail: string,
  ) {
    super(`${location} is not a Lifeboat repository (${detail})`, {
      code: 'not-a-repository',
      hint: 'Check the folder (--repo), or create a repository with `lifeboat repo init --repo DIR`.',
    });
    this.name = 'NotARepositoryError';
  }
}

export class PointNotFoundError extends BadInputError {
  constructor(
    readonly pointId: string,
    detail = 'no restore point has this id',
  ) {
    super(`restore point ${pointId}: ${detail}`, 'point-not-found', 'List the restore points with `lifeboat repo list --repo DIR` (or open the repository again in the app).');
    this.name = 'PointNotFoundError';
  }
}

/** `repo init` on a folder that already holds a repository. */
export class RepositoryExistsError extends BadInputError {
  constructor(readonly location: string) {
    super(`${location} already holds a repository`, 'repository-exists', 'Use it with --repo, or give a new or empty folder to create another.');
    this.name = 'RepositoryExistsError';
  }
}

/** `repo init` on a folder that holds other files: a repository needs a folder of its own. */
export class FolderNotEmptyError extends BadInputError {
  constructor(
    readonly location: string,
    readonly firstFile: string,
  ) {
    super(`${location} is not empty (it holds ${firstFile}, among others); a repository needs an empty folder`, 'folder-not-empty', 'Give a new or empty folder for the repository.');
    this.name = 'FolderNotEmptyError';
  }
}

/**
 * The config failed its own integrity check (checksum, or KDF parameters out
 * of range): the file is damaged or was tampered with. Not a wrong password.
 */
export class ConfigDamagedError extends RepositoryCorruptError {
  constructor(problem: string) {
    super('config', `the config is damaged: ${problem}`, 'The password was not tried. Put back the `config` file from a copy of the repository; without it the data cannot be decrypted.');
    this.name = 'ConfigDamagedError';
  }
}
