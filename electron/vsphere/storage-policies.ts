import type { SoapService, VimSession } from './vim-session';
import { asArray, asMoRef, asObject, asString, type MoRef, type VimObject } from './vim-types';

/** The Storage Policy Based Management service of vCenter. */
const PBM: SoapService = { path: '/pbm', namespace: 'urn:pbm', soapAction: 'urn:pbm/1.0' };
const PBM_SERVICE_INSTANCE: MoRef = { type: 'PbmServiceInstance', value: 'ServiceInstance' };

export interface StoragePolicy {
  id: string;
  name: string;
  description: string;
}

async function profileManager(session: VimSession): Promise<MoRef> {
  if (session.isHostAgent) throw new Error('Storage policies live in vCenter; a standalone ESXi host has none.');
  const content = asObject(await session.callService(PBM, 'PbmRetrieveServiceContent', { _this: PBM_SERVICE_INSTANCE }));
  const manager = asMoRef(content?.profileManager);
  if (!manager) throw new Error(`${session.server} answered the storage policy service without a profile manager.`);
  return manager;
}

/** Storage requirement policies (what a restored VM or disk can be given). */
export async function listStoragePolicies(session: VimSession): Promise<StoragePolicy[]> {
  const manager = await profileManager(session);
  const ids = asArray(
    (await session.callService(PBM, 'PbmQueryProfile', {
      _this: manager,
      resourceType: { $type: 'PbmProfileResourceType', resourceType: 'STORAGE' },
      profileCategory: 'REQUIREMENT',
    })) as VimObject[] | VimObject | undefined,
  );
  if (ids.length === 0) return [];
  const profiles = await session.callService(PBM, 'PbmRetrieveContent', {
    _this: manager,
    profileIds: ids.map((i) => ({ $type: 'PbmProfileId', uniqueId: asString(i.uniqueId) ?? '' })),
  });
  return asArray(profiles as VimObject[] | VimObject | undefined).map((p) => ({
    id: asString(asObject(p.profileId)?.uniqueId) ?? '',
    name: asString(p.name) ?? '',
    description: asString(p.description) ?? '',
  }));
}

/**
 * Policy ids associated with a VM (home) or one of its disks (`diskKey`), as a
 * backup saves them so a restore can ask for the same policy.
 */
export async function associatedPolicies(session: VimSession, vm: MoRef, diskKey?: number): Promise<string[]> {
  const manager = await profileManager(session);
  const entity: VimObject = {
    $type: 'PbmServerObjectRef',
    objectType: diskKey === undefined ? 'virtualMachine' : 'virtualDiskId',
    key: diskKey === undefined ? vm.value : `${vm.value}:${diskKey}`,
    serverUuid: session.serviceContent.about.instanceUuid,
  };
  const ids = await session.callService(PBM, 'PbmQueryAssociatedProfile', { _this: manager, entity });
  return asArray(ids as VimObject[] | VimObject | undefined)
    .map((i) => asString(i.uniqueId))
    .filter((id): id is string => Boolean(id));
}

/** Finds a policy by name or id; the error names what the target has, so the user can pick one. */
export function findStoragePolicy(policies: StoragePolicy[], nameOrId: string, server: string): StoragePolicy {
  const found = policies.find((p) => p.name === nameOrId) ?? policies.find((p) => p.id === nameOrId);
  if (!found) {
    throw new Error(
      `Storage policy "${nameOrId}" not found on ${server}; it has: ${policies.map((p) => `"${p.name}"`).join(', ') || 'none'}. Pick one of those (--storage-policy NAME).`,
    );
  }
  return found;
}
