import type { RestorePointManifest } from '../repository/restore-point-manifest';

/** The VM home's storage policy id as a backup saved it (BACKUP-SAVE-CONFIG), if any. */
export function savedVmPolicyId(point: Pick<RestorePointManifest, 'storagePolicy'>): string | undefined {
  const saved = point.storagePolicy as { vm?: unknown; profileId?: unknown } | null;
  // Backups save { vm: [ids], disks }; the demo restore point names one { profileId, name }.
  if (Array.isArray(saved?.vm) && typeof saved.vm[0] === 'string') return saved.vm[0];
  return typeof saved?.profileId === 'string' ? saved.profileId : undefined;
}

/** Each disk's storage policy id as a backup saved it: disk key → first policy id. */
export function savedDiskPolicyIds(point: Pick<RestorePointManifest, 'storagePolicy'>): Map<number, string> {
  const disks = (point.storagePolicy as { disks?: unknown } | null)?.disks;
  const out = new Map<number, string>();
  for (const d of Array.isArray(disks) ? (disks as Array<{ key?: unknown; policies?: unknown }>) : []) {
    const first = Array.isArray(d.policies) ? d.policies[0] : undefined;
    if (typeof d.key === 'number' && typeof first === 'string') out.set(d.key, first);
  }
  return out;
}
