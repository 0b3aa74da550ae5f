import { decodeManifest, pointObjectName } from './point-store';
import { referencedChunks, type RestorePointManifest } from './restore-point-manifest';
import type { Repository } from './repository';

/** Decodes one manifest fresh from the backend, reporting failure as a value (verify collects them). */
export async function decodePointSafely(
  repo: Repository,
  id: string,
): Promise<{ manifest: RestorePointManifest; chunks: Set<string> } | { error: string }> {
  try {
    const manifest = decodeManifest(repo.keys, id, await repo.backend.get(pointObjectName(id)));
    return { manifest, chunks: referencedChunks(manifest) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Every chunk any restore point references; throws if a manifest cannot be read (prune must then stop). */
export async function loadAllPoints(repo: Repository): Promise<{ ids: string[]; referenced: Set<string> }> {
  const ids = await repo.pointIds();
  const referenced = new Set<string>();
  for (const id of ids) {
    const result = await decodePointSafely(repo, id);
    if ('error' in result)
      throw new Error(`cannot prune: restore point ${id} is unreadable (${result.error}); fix or forget it first`);
    for (const c of result.chunks) referenced.add(c);
  }
  return { ids, referenced };
}
