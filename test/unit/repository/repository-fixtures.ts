import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiskImage } from '../../../electron/disks/disk-image';
import type { DiskWriter } from '../../../electron/repository/disk-writer';
import type { DiskMeta, PointMeta } from '../../../electron/repository/restore-point-manifest';

/** Cheap scrypt so tests stay fast; production uses N=2^15. */
export const TEST_KDF = { name: 'scrypt' as const, N: 1024, r: 8, p: 1 };

export async function tempDir(prefix = 'lifeboat-repo-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function pointMeta(overrides: Partial<PointMeta> = {}): PointMeta {
  return {
    vm: { name: 'web-01', instanceUuid: '5003aaaa-bbbb-cccc-dddd-eeeeffff0001', moref: 'vm-42', sourceServer: 'vcenter.lab' },
    configInfo: { name: 'web-01', guestId: 'otherLinux64Guest', hardware: { numCPU: 2, memoryMB: 2048 } },
    firmware: 'efi',
    vtpm: { key: 11000, deviceInfo: { label: 'Virtual TPM' } },
    keyId: { keyId: 'k-1', providerId: { id: 'kms-cluster' } },
    encryptionBundle: 'bundle-text',
    storagePolicy: { profileId: 'aa-bb' },
    skippedIndependentDisks: [{ key: 2002, label: 'Hard disk 3', diskMode: 'independent_persistent' }],
    kind: 'full',
    parentPointId: null,
    ...overrides,
  };
}

export function diskMeta(key: number, capacity: number): DiskMeta {
  return {
    key,
    label: `Hard disk ${key - 1999}`,
    controller: { type: 'ParaVirtualSCSIController', busNumber: 0, unitNumber: key - 2000 },
    capacity,
    provisioning: 'thin',
    diskMode: 'persistent',
    datastore: { name: 'datastore1', type: 'VMFS' },
    allocationMapSaved: true,
    changeId: '52 1a 2b 3c/12',
  };
}

/** What a full backup does: copy allocated extents in pieces of `piece` bytes, holes as unallocated. */
export async function copyImage(image: DiskImage, writer: DiskWriter, piece = 768 * 1024): Promise<void> {
  for (const extent of await image.extents()) {
    if (extent.kind === 'zero') {
      await writer.markUnallocated(extent.offset, extent.length);
      continue;
    }
    for (let pos = extent.offset; pos < extent.offset + extent.length; pos += piece) {
      const length = Math.min(piece, extent.offset + extent.length - pos);
      await writer.writeRange(pos, await image.read(pos, length));
    }
  }
}

/** Total bytes of all files under a folder. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** Every file path under a folder. */
export async function folderFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}
