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
