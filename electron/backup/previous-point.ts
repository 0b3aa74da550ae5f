import type { Repository } from '../repository/repository';
import type { RestorePointManifest } from '../repository/restore-point-manifest';

/** The newest restore point of the same VM (by instance UUID, else moref on the same server). */
export async function latestPointOfVm(
  repo: Repository,
  vm: { instanceUuid: string; moref: string; sourceServer: string },
): Promise<RestorePointManifest | null> {
  let best: RestorePointManifest | null = null;
  for (const id of await repo.pointIds()) {
    const m = await repo.loadPoint(id);
    const same = vm.instanceUuid
      ? m.vm.instanceUuid === vm.instanceUuid
      : m.vm.moref === vm.moref && m.vm.sourceServer === vm.sourceServer;
    if (same && (!best || m.createdAt > best.createdAt)) best = m;
  }
  return best;
}
