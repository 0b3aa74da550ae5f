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
