import type { RestorePointManifest } from '../repository/restore-point-manifest';

/** The VM home's storage policy id as a backup saved it (BACKUP-SAVE-CONFIG), if any. */
export function savedVmPolicyId(point: Pick<RestorePointManifest, 'storagePolicy'>): string | undefined {
  const saved = point.storagePolicy as { vm?: unknown; profileId?: unknown } | null;
  // Backups save { vm: [ids], disks }; the demo restore point names one { profileId, name }.
  if (Array.isArray(saved?.vm) && typeof saved.vm[0] === 'string') return saved.vm[0];
  return typeof saved?.profileId === 'string' ? saved.profileId : undefined;
}
