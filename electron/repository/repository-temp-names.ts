/**
 * The temp names the repository itself writes (`<object>.tmp-<12 hex>`, see
 * LocalFolderBackend.put) and the folders it writes them in. Cleanup after a
 * crash touches these names only: a user's `thesis.tmp-final.txt` kept beside
 * the repository is never ours to delete.
 */
export const TEMP_MARK = '.tmp-';

const OWN_TEMP_NAMES: RegExp[] = [
  /^config\.tmp-[0-9a-f]{12}$/,
  /^index\/[0-9a-f]{64}\.tmp-[0-9a-f]{12}$/,
  /^points\/[0-9a-f]{16}\.tmp-[0-9a-f]{12}$/,
  /^locks\/[0-9a-f]{24}\.tmp-[0-9a-f]{12}$/,
  /^packs\/([0-9a-f]{2})\/\1[0-9a-f]{62}\.tmp-[0-9a-f]{12}$/,
];

/** Folders (relative, `/`-separated) that can hold the repository's own temp files. */
export const TEMP_FOLDERS = ['', 'index', 'points', 'locks', 'packs'];

/** True for a half-written object of this repository (relative name with `/`). */
export function isOwnTemporary(relativeName: string): boolean {
  return OWN_TEMP_NAMES.some((re) => re.test(relativeName));
}

/** A new temp name for the object file `file` (a crash may leave it; cleanup recognises it). */
export function tempNameFor(file: string, random: string): string {
  return `${file}${TEMP_MARK}${random}`;
}
