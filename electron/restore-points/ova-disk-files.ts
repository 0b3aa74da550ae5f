import { mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { DiskFormatError } from '../disks/disk-image';
import { extentNameProblem } from '../disks/extent-file-name';
import { detectDiskImageFormat } from '../disks/open-disk-image';
import { parseVmdkDescriptor } from '../disks/vmdk-descriptor';
import { readDescriptorFile } from '../disks/vmdk-flat-image';
import { ArchiveFormatError, extractTarEntry, type TarMember } from './ova-archive';

/** Where an extent or disk file must be, for messages. */
export const INSIDE_THE_OVA = 'inside the OVA';

/** The regular file `name` of the archive; a link or folder of that name is refused (it could point outside). */
export function archiveFile(file: string, members: TarMember[], name: string, wantedFor: string): TarMember {
  const member = members.find((m) => m.name === name) ?? members.find((m) => posix.basename(m.name) === name);
  if (!member) throw new ArchiveFormatError(file, 0, `${wantedFor} names ${name}, but the archive does not hold it`);
  if (member.kind !== 'file')
    throw new ArchiveFormatError(
      file,
      member.dataOffset - 512,
      `${wantedFor} names ${member.name}, which is a ${member.kind} in the archive; OVA disks must be regular files`,
    );
  return member;
}

/**
 * Copies one OVF disk out of the archive into `folder` and returns the path to
 * open. A flat descriptor's extents are looked up in the archive, in the
 * descriptor's folder there, and copied beside it; nothing outside the archive
 * is ever read (an extent naming an absolute path or `..` is refused).
 */
export async function extractOvaDisk(file: string, members: TarMember[], disk: TarMember, folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  // A fixed local name: the archive's name for the file is not trusted as a path.
  const local = join(folder, '.disk');
  await extractTarEntry(file, disk, local);
  const format = await detectDiskImageFormat(local);
  if (format !== 'vmdk-flat' && format !== 'vmdk-vmfs') return local;
  const descriptor = parseVmdkDescriptor(await readDescriptorFile(local), local);
  const archiveFolder = posix.dirname(disk.name);
  for (const [i, extent] of descriptor.extents.entries()) {
    if (extent.type === 'ZERO' || extent.access === 'NOACCESS' || extent.fileName === undefined) continue;
    const problem = extentNameProblem(extent.fileName);
    if (problem || extent.fileName === '.disk')
      throw new DiskFormatError(
        local,
        0,
        `extent ${i + 1} names ${JSON.stringify(extent.fileName)}: an extent must be a file ${INSIDE_THE_OVA} (this name ${problem ?? 'is reserved'})`,
      );
    const inArchive = archiveFolder === '.' ? extent.fileName : posix.join(archiveFolder, extent.fileName);
    const member = members.find((m) => m.name === inArchive);
    if (!member)
      throw new ArchiveFormatError(file, 0, `${disk.name} names extent ${extent.fileName}, but the archive does not hold it`);
    archiveFile(file, [member], member.name, `${disk.name} extent ${i + 1}`);
    await extractTarEntry(file, member, join(folder, extent.fileName));
  }
  return local;
}
