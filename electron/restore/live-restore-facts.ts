import type { ImportedVmChoices } from '../api/schemas/restore-request';
import { defaultGuestId, guestFamilyOf } from '../planner/rules/guest-os';
import { isImportedPoint } from './default-vm-config';
import { BadInputError, LifeboatError } from '../errors/lifeboat-error';
import { lookup } from 'node:dns/promises';
import { readdir, readFile } from 'node:fs/promises';
import type { EnvironmentFacts } from '../api/schemas/environment-schema';
import type { RestorePointManifest } from '../repository/restore-point-manifest';
import type { Inventory, InventoryDatastore, InventoryHost } from '../vsphere/inventory-types';
import { listKeyProviders } from '../vsphere/key-providers';
import { findStoragePolicy, listStoragePolicies, type StoragePolicy } from '../vsphere/storage-policies';
import { savedVmPolicyId } from './saved-storage-policy';
import { fetchVmConfigInfo } from '../vsphere/vm-config-info';
import { listVms } from '../vsphere/inventory';
import { hostNetworks, supportedGuestIds, supportedHardwareVersions } from '../vsphere/host-capabilities';
import type { VimSession } from '../vsphere/vim-session';
import { readVmConfig } from '../vsphere/vm-config-info';
import { readVmDiskGuard } from '../vsphere/vm-snapshots';
import { normaliseLiveFacts } from './live-facts-normalise';
import { datastoreFacts, otherDatastores } from './live-datastore-facts';

/** The scenario the live planner hands to planRestore: the same contract as `plan --scenario`. */
export interface LiveScenarioInput {
  environment: EnvironmentFacts;
  session: VimSession;
  inventory: Inventory;
  /** Server name as the user saved it (for CONN-DNS and reports). */
  server: string;
  manifest: RestorePointManifest;
  datastore: string;
  host?: string;
  transport: 'auto' | 'san' | 'hotadd' | 'nbdssl' | 'nbd';
  restoreKind: 'full-vm' | 'disks';
  /** The storage policy the user picked (name or id); checked against the target. */
  storagePolicy?: string;
  cbtEnabledOnTarget?: boolean;
  concurrentStreams?: number;
  /** Disks restore: the existing VM (by name) written into (DATA-TARGET-POWERED-ON, XPORT-SAN-EXISTING-SNAPSHOTS). */
  intoVm?: string;
  /** DATA-HW-VERSION choice: create the VM with this lower version. */
  hardwareVersion?: string;
  /** DATA-NETWORK-MAP: source network → target network. */
  networkMap?: Record<string, string>;
  /** Full-VM restore: restore-point disk key ("*": the rest) → datastore; each one named is described to the planner. */
  diskDatastores?: Record<string, string>;
  /** DATA-NO-CONFIGINFO: choices for a point imported from an image (its guest OS is checked against the host). */
  importedVm?: ImportedVmChoices;
  /** Injected for tests; default lists every VM of the connection. */
  vmNames?: () => Promise<string[]>;
  /** Injected for tests; default reads /dev/disk/by-id and the DMI product UUID. */
  visibleLuns?: () => Promise<string[]>;
  productUuid?: () => Promise<string | null>;
}

const CONTROLLERS: Record<string, 'pvscsi' | 'lsilogic' | 'lsisas' | 'buslogic' | 'ide' | 'sata' | 'nvme'> = {
  ParaVirtualSCSIController: 'pvscsi',
  VirtualLsiLogicController: 'lsilogic',
  VirtualLsiLogicSASController: 'lsisas',
  VirtualBusLogicController: 'buslogic',
  VirtualIDEController: 'ide',
  VirtualAHCIController: 'sata',
  VirtualNVMEController: 'nvme',
};

/** The guest OS the VM is created with: the saved one, or for an imported point the chosen one, else the image's, else the default (DATA-NO-CONFIGINFO). */
function guestInForce(m: RestorePointManifest, savedGuestId: string, choices: ImportedVmChoices | undefined): string | null {
  if (!isImportedPoint(m)) return savedGuestId || null;
  return choices?.guestId ?? (savedGuestId || defaultGuestId(guestFamilyOf(savedGuestId)));
}



/** NAA ids of the block devices this (Linux) workstation sees: /dev/disk/by-id/wwn-0x… → naa.… */
export async function linuxVisibleLuns(dir = '/dev/disk/by-id'): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return [...new Set(names.filter((n) => /^wwn-0x[0-9a-f]+$/i.test(n)).map((n) => `naa.${n.slice(6).toLowerCase()}`))].sort();
  } catch {
    return [];
  }
}

async function dmiProductUuid(): Promise<string | null> {
  try {
    return (await readFile('/sys/class/dmi/id/product_uuid', 'utf8')).trim().toLowerCase();
  } catch {
    return null;
  }
}


/** The host a restore goes through: the one named, else the first connected host that reaches the datastore. */
export function pickHost(inv: Inventory, datastore: InventoryDatastore, name?: string): InventoryHost {
  const host = name
    ? inv.hosts.find((h) => h.name === name)
    : inv.hosts.find((h) => h.connectionState === 'connected' && h.datastores.some((d) => d.value === datastore.ref.value));
  if (!host) {
    if (name) throw new BadInputError(`host "${name}" not found on the target`, 'host-not-found', `Choose one of: ${inv.hosts.map((h) => h.name).join(', ')} (--host).`);
    throw new BadInputError(`no connected host reaches datastore ${datastore.name}`, 'no-host-for-datastore', 'Choose another datastore, or reconnect a host that mounts it.');
  }
  return host;
}

/**
 * The target's storage policies through PBM (vCenter only). A failure is
 * reported, not read as "no policies": that would claim every saved policy
 * is missing (CRYPT-POLICY-MISSING).
 */
async function targetStoragePolicies(session: VimSession, server: string): Promise<StoragePolicy[]> {
  try {
    return await listStoragePolicies(session);
  } catch (err) {
    throw new Error(`Could not read the storage policies of ${server} (${(err as Error).message}); they are needed to check the saved policy. Check the connection and the account's storage policy permissions, then plan again.`);
  }
}

/** What the workstation is, as the transport rules see it; a VM workstation is looked up as the proxy VM by its BIOS UUID. */
async function workstationFacts(input: LiveScenarioInput, vcenterName: string | null, visibleLuns: string[]) {
  const isVm = input.environment.workstation.isVirtualMachine === true;
  const os = input.environment.os.platform === 'win32' ? 'windows' : input.environment.os.platform === 'darwin' ? 'macos' : 'linux';
  if (!isVm) return { kind: 'physical' as const, os, visibleLuns };
  const uuid = await (input.productUuid ?? dmiProductUuid)();
  const proxy = uuid ? (await listVms(input.session)).find((v) => v.uuid?.toLowerCase() === uuid) : undefined;
  if (!proxy) {
    // Not found through this connection: HotAdd needs the proxy under the same vCenter (XPORT-HOTADD-SAME-VCENTER).
    return { kind: 'vm' as const, os, visibleLuns, vcenter: null, datastores: [], scsiControllerBuses: [0] };
  }
  const { config } = await fetchVmConfigInfo(input.session, proxy.ref);
  const host = input.inventory.hosts.find((h) => h.ref.value === proxy.host?.value);
  const datastores = input.inventory.datastores.filter((d) => host?.datastores.some((r) => r.value === d.ref.value)).map((d) => d.name);
  const buses = config.controllers.filter((c) => /SCSI|LsiLogic|BusLogic/i.test(c.deviceType)).map((c) => c.busNumber).sort((a, b) => a - b);
  return {
    kind: 'vm' as const,
    os,
    visibleLuns,
    vmEncrypted: Boolean(config.keyId),
    vcenter: vcenterName,
    datastores,
    scsiControllerBuses: buses.length ? buses.filter((b) => b <= 3) : [0],
  };
}


/** The existing VM a disks restore writes into: running or not, its snapshots, its disks. */
async function intoVmFacts(session: VimSession, name: string) {
  const found = (await listVms(session)).find((v) => v.name === name);
  // DATA-DISK-MAP says it in the plan, with what to do, instead of an error that hides the rest of the plan.
  if (!found) return { name, exists: false, poweredOn: false, snapshots: 0, disks: [] };
  const guard = await readVmDiskGuard(session, found.ref);
  const { config } = await fetchVmConfigInfo(session, found.ref);
  return {
    name,
    poweredOn: guard.powerState === 'poweredOn',
    snapshots: guard.snapshots.length,
    disks: config.disks.map((d) => {
      const controller = config.controllers.find((c) => c.key === d.controllerKey);
      return { key: d.key, controller: CONTROLLERS[controller?.deviceType ?? ''] ?? 'pvscsi', bus: controller?.busNumber ?? 0, unit: d.unitNumber, capacityBytes: d.capacityBytes };
    }),
  };
}

/**
 * Gathers the planner's facts from the live connection, the workstation and
 * the restore point, in the scenario contract's shape, so `lifeboat plan`
 * (live) and `plan --scenario` call the very same pure planner.
 */
export async function gatherLiveScenario(input: LiveScenarioInput): Promise<Record<string, unknown>> {
  const { inventory: inv, manifest: m, session } = input;
  const isVcenter = session.serviceContent.about.apiType === 'VirtualCenter';
  const datastore = inv.datastores.find((d) => d.name === input.datastore);
  if (!datastore) {
    throw new BadInputError(`datastore "${input.datastore}" not found on the target`, 'datastore-not-found', `Choose one of: ${inv.datastores.map((d) => d.name).join(', ')} (--datastore).`);
  }
  const host = pickHost(inv, datastore, input.host);
  const resolves = await lookup(input.server.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')).then(
    () => true,
    () => false,
  );
  // CRYPT-KMS-MISMATCH: only an encrypted or vTPM VM needs the key providers; failing to read them is said, never
  // taken for "none" (that would report a mismatch that is not there).
  const needsKeys = m.keyId !== null || m.vtpm !== null;
  const keyProviders =
    isVcenter && needsKeys
      ? (
          await listKeyProviders(session).catch((err: unknown) => {
            throw new LifeboatError(`the key providers of ${input.server} could not be read: ${err instanceof Error ? err.message : String(err)}`, {
              code: 'key-providers-unreadable',
              hint: 'Check that the user may view key providers (Cryptographer.ReadKeyServersInfo), then plan again.',
            });
          })
        ).map((k) => k.id)
      : [];
  // DATA-VM-NAME-TAKEN: every VM name the connection sees (vCenter refuses a duplicate in a folder; we refuse earlier).
  const vmNames = input.vmNames ?? (async () => (await listVms(session)).map((v) => v.name));
  const existingVmNames = input.restoreKind === 'full-vm' ? [...new Set(await vmNames())] : [];
  const policies = isVcenter ? await targetStoragePolicies(session, input.server) : [];
  if (input.storagePolicy) {
    if (!isVcenter) throw new Error(`${input.server} is a standalone ESXi host, which has no storage policies; leave out --storage-policy.`);
    findStoragePolicy(policies, input.storagePolicy, input.server);
  }
  const storagePolicies = policies.map((p) => p.name);
  // The planner compares names; a saved id the target does not know stays an id.
  const savedPolicyId = savedVmPolicyId(m);
  const savedPolicy = savedPolicyId ? (policies.find((p) => p.id === savedPolicyId)?.name ?? savedPolicyId) : null;
  const hostDatastores = inv.datastores.filter((d) => host.datastores.some((r) => r.value === d.ref.value));
  const keyId = m.keyId as { providerId?: { id?: string } } | null;
  const visibleLuns = (await (input.visibleLuns ?? linuxVisibleLuns)()).map((l) => l.toLowerCase());
  // DATA-HW-VERSION: not knowing is no check ([]), never a failed plan.
  const hardwareVersions = await supportedHardwareVersions(session, inv, host).catch(() => []);
  const saved = readVmConfig(m.configInfo as Record<string, never>);
  // DATA-HW-VERSION (guest): what the host can create at the version the VM will have; not knowing is no check.
  const guestIds = await supportedGuestIds(session, inv, host, input.hardwareVersion ?? saved.hardwareVersion ?? null, guestInForce(m, saved.guestId, input.importedVm)).catch(() => []);
  const scenario = {
    workstation: await workstationFacts(input, isVcenter ? input.server : null, visibleLuns),
    connection: { kind: isVcenter ? 'vcenter' : 'esxi', server: input.server, resolves, thumbprintTrusted: true, vcenter: isVcenter ? input.server : null },
    target: {
      host: {
        esxiVersion: /^\d+(\.\d+){0,3}$/.test(host.version) ? host.version : '8.0.0',
        managementServerIp: isVcenter ? null : (host.managementServerIp ?? null),
        // A host with shared (non-local) VMFS datastores has SAN storage attached.
        sanAttached: hostDatastores.some((d) => d.type === 'VMFS' && !d.local),
        supportedHardwareVersions: hardwareVersions,
        networks: hostNetworks(inv, host),
        supportedGuestIds: guestIds,
      },
      datastore: datastoreFacts(datastore, visibleLuns),
      datastores: otherDatastores(inv, host, input, visibleLuns),
      keyProviders,
      storagePolicies,
      existingVmNames,
    },
    restorePoint: {
      vm: {
        name: m.vm.name,
        guestFamily: guestFamilyOf(String((m.configInfo as { guestId?: unknown }).guestId ?? '')),
        firmware: m.firmware ?? 'bios',
        encrypted: m.keyId !== null,
        keyProvider: keyId?.providerId?.id ?? null,
        hasKeyId: m.keyId !== null,
        hasEncryptionBundle: m.encryptionBundle !== null,
        storagePolicy: savedPolicy,
        vtpm: m.vtpm !== null,
        nvramSaved: m.nvram !== null,
        independentDisks: m.skippedIndependentDisks.length,
        hardwareVersion: saved.hardwareVersion ?? null,
        guestId: saved.guestId || null,
        // DATA-NO-CONFIGINFO: a point made by `lifeboat import` saved no ConfigInfo.
        configInfoSaved: !isImportedPoint(m),
        // By name: a distributed port group NIC carries the key, which the target may know by name.
        networks: saved.nics.map((n) => inv.networks.find((x) => x.portgroupKey === n.sourceNetwork)?.name ?? n.sourceNetwork),
      },
      disks: m.disks.map((d) => ({
        key: d.key,
        label: d.label,
        controller: CONTROLLERS[d.controller.type] ?? 'pvscsi',
        bus: d.controller.busNumber,
        unit: d.controller.unitNumber,
        capacityBytes: d.capacity,
        allocatedBytes: d.allocatedBytes,
        provisioning: d.provisioning,
        allocationMapSaved: d.allocationMapSaved,
        // Only a disk whose saved backing had a key (a vTPM-only VM has an encrypted home and plain disks).
        encrypted: saved.disks.find((x) => x.key === d.key)?.encrypted ?? m.keyId !== null,
      })),
    },
    options: {
      transport: input.transport,
      restoreKind: input.restoreKind,
      cbtEnabledOnTarget: input.cbtEnabledOnTarget ?? Boolean((m.configInfo as { changeTrackingEnabled?: unknown }).changeTrackingEnabled),
      concurrentStreams: input.concurrentStreams ?? 4,
      hardwareVersion: input.hardwareVersion ?? null,
      networkMap: input.networkMap ?? {},
      diskDatastores: input.restoreKind === 'full-vm' ? (input.diskDatastores ?? {}) : {},
      intoVm: input.restoreKind === 'disks' ? await intoVmFacts(session, input.intoVm ?? m.vm.name) : null,
    },
  };
  return normaliseLiveFacts(scenario).scenario;
}
