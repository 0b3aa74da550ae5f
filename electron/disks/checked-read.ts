import { DiskFormatError } from './disk-image';
import type { ThinFile } from './thin-file';

/**
 * Reads a structure whose position came from the file itself, refusing it
 * (DiskFormatError naming the offset) when it does not lie inside the file.
 */
export async function readChecked(
  file: ThinFile,
  fileSize: number,
  offset: number,
  length: number,
  what: string,
): Promise<Buffer> {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > fileSize) {
    throw new DiskFormatError(file.path, offset, `${what} (${length} bytes) lies outside the file (${fileSize} bytes)`);
  }
  return file.read(offset, length);
}
