import { decodeChunk, encodeChunk } from './zstd-codec';
import { manifestSchema, type RestorePointManifest } from './restore-point-manifest';
import { open, seal } from './sealed-box';
import { RepositoryCorruptError } from './repository-errors';
import type { RepositoryKeys } from './repository-keys';

/** Manifests live at `points/<id>`, compressed then sealed; the AD binds the id. */
export const POINTS_PREFIX = 'points/';

export function pointObjectName(id: string): string {
  return `${POINTS_PREFIX}${id}`;
}

function pointAssociatedData(id: string): string {
  return `lifeboat-point:${id}`;
}

export function encodeManifest(keys: RepositoryKeys, manifest: RestorePointManifest): Buffer {
  return seal(keys.encryption, encodeChunk(Buffer.from(JSON.stringify(manifest), 'utf8')), pointAssociatedData(manifest.id));
}

export function decodeManifest(keys: RepositoryKeys, id: string, data: Buffer): RestorePointManifest {
  const name = pointObjectName(id);
  const plain = open(keys.encryption, data, pointAssociatedData(id));
  if (!plain) throw new RepositoryCorruptError(name, 'manifest failed authentication (changed or damaged bytes)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeChunk(plain).toString('utf8'));
  } catch (err) {
    throw new RepositoryCorruptError(name, `manifest does not decode: ${(err as Error).message}`);
  }
  const result = manifestSchema.safeParse(parsed);
  if (!result.success)
    throw new RepositoryCorruptError(
      name,
      `manifest is not a supported restore point: ${result.error.issues[0]?.message ?? 'invalid'}`,
    );
  if (result.data.id !== id) throw new RepositoryCorruptError(name, 'manifest id does not match its name');
  return result.data;
}
