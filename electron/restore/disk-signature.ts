/**
 * STEP-WINDOWS-SIGNATURE: what identifies a disk to Windows — the MBR disk
 * signature (sector 0, bytes 440..443) and, on GPT disks, the disk GUID in the
 * GPT header (LBA 1, bytes 56..71). HotAdd can change them on the way.
 */
export interface DiskIdentity {
  mbrSignature: string | null;
  gptDiskGuid: string | null;
}

const MBR_BOOT_MARK = 0xaa55;

export function diskIdentity(sector0: Buffer, lba1: Buffer): DiskIdentity {
  const mbr = sector0.length >= 512 && sector0.readUInt16LE(510) === MBR_BOOT_MARK ? sector0.subarray(440, 444).toString('hex') : null;
  const gpt = lba1.length >= 72 && lba1.subarray(0, 8).toString('latin1') === 'EFI PART' ? lba1.subarray(56, 72).toString('hex') : null;
  return { mbrSignature: mbr, gptDiskGuid: gpt };
}

export function sameIdentity(a: DiskIdentity, b: DiskIdentity): boolean {
  return a.mbrSignature === b.mbrSignature && a.gptDiskGuid === b.gptDiskGuid;
}

export function describeIdentity(id: DiskIdentity): string {
  const parts = [id.mbrSignature ? `MBR signature ${id.mbrSignature}` : null, id.gptDiskGuid ? `GPT disk GUID ${id.gptDiskGuid}` : null];
  return parts.filter(Boolean).join(', ') || 'no MBR signature or GPT header';
}
