import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The marker every repository's plain `config` object carries (see repository-format.md). */
const REPOSITORY_FORMAT_MARK = '"lifeboat-repository"';

async function isRepositoryFolder(folder: string): Promise<boolean> {
  const handle = await open(join(folder, 'config'), 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.toString('utf8', 0, bytesRead).includes(REPOSITORY_FORMAT_MARK);
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

/**
 * The repository folder an export output would land in, or null. Writing an
 * image there would replace a repository object (`--out <repo>/config` once
 * destroyed a repository), so the export is refused.
 */
export async function repositoryContaining(outputFile: string): Promise<string | null> {
  let folder = dirname(resolve(outputFile));
  for (;;) {
    if (await isRepositoryFolder(folder)) return folder;
    const parent = dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

/** The export output lies inside a repository folder. */
export class ExportTargetError extends Error {
  readonly code = 'export-inside-repository';
  constructor(
    readonly file: string,
    readonly repository: string,
  ) {
    super(`${file} is inside the repository ${repository}; an export there could overwrite repository data`);
    this.name = 'ExportTargetError';
  }
}

/** Throws ExportTargetError when `outputFile` would land inside a repository folder. */
export async function assertOutsideRepositories(outputFile: string): Promise<void> {
  const repository = await repositoryContaining(outputFile);
  if (repository) throw new ExportTargetError(outputFile, repository);
}
