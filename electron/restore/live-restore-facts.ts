import { BadInputError } from '../errors/lifeboat-error';
import { lookup } from 'node:dns/promises';
import { readdir, readFile } from 'node:fs/promises';
import type { EnvironmentFacts } from '../api/schemas/environment-schema';
import type { RestorePointManifest } from '../repository/restore-point-manifest';
import type { Inventory, InventoryDatastore, InventoryHost } from '../vsphere/inventory-types';
import { listKeyProviders } from '../vsphere/key-providers';
import { listStoragePolicies } from '../vsphere/storage-policies';
import { fetchVmConfigInfo } from '../vsphere/vm-config-info';
import { listVms } from '../vsphere/inventory';
import type { VimSession } from '../vsphere/vim-session';

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
  cbtEnabledOnTarget?: boolean;
  concurrentStreams?: number;
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

function guestFamilyOf(configInfo: Record<string, unknown>): 'windows' | 'linux' | 'other' {
  const id = String(configInfo.guestId ?? '');
  if (/^win/i.test(id)) return 'windows';
  if (id && !/^other/i.test(id) && !/darwin|solaris|netware/i.test(id)) return 'linux';
  return 'other';
}

function datastoreType(ds: InventoryDatastore): 'VMFS' | 'NFS' | 'VVOL' | 'vsan' | 'local' {
  if (ds.local) return 'local';
  if (/^NFS/i.test(ds.type)) return 'NFS';
  if (/vvol/i.test(ds.type)) return 'VVOL';
  if (/vsan/i.test(ds.type)) return 'vsan';
  return 'VMFS';
}

function pickHost(inv: Inventory, datastore: InventoryDatastore, name?: string): InventoryHost {
  const host = name
    ? inv.hosts.find((h) => h.name === name)
    : inv.hosts.find((h) => h.connectionState === 'connected' && h.datastores.some((d) => d.value === datastore.ref.value));
  if (!host) {
    if (name) throw new BadInputError(`host "${name}" not found on the target`, 'host-not-found', `Choose one of: ${inv.hosts.map((h) => h.name).join(', ')} (--host).`);
    throw new BadInputError(`no connected host reaches datastore ${datastore.name}`, 'no-host-for-datastore', 'Choose another datastore, or reconnect a host that mounts it.');
  }
  return host;
}

/** What the workstation is, as the transport rules see it; a VM workstation is looked up as the proxy VM by its BIOS UUID. */
async function workstationFacts(input: LiveScenarioInput, vcenterName: string | null) {
  const isVm = input.environment.workstation.isVirtualMachine === true;
  const os = input.environment.os.platform === 'win32' ? 'windows' : input.environment.os.platform === 'darwin' ? 'macos' : 'linux';
  const visibleLuns = await (input.visibleLuns ?? linuxVisibleLuns)();
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
  const keyProviders = isVcenter ? (await listKeyProviders(session).catch(() => [])).map((k) => k.id) : [];
  const storagePolicies = isVcenter ? (await listStoragePolicies(session).catch(() => [])).map((p) => p.name) : [];
  const hostDatastores = inv.datastores.filter((d) => host.datastores.some((r) => r.value === d.ref.value));
  const keyId = m.keyId as { providerId?: { id?: string } } | null;
  return {
    workstation: await workstationFacts(input, isVcenter ? input.server : null),
    connection: { kind: isVcenter ? 'vcenter' : 'esxi', server: input.server, resolves, thumbprintTrusted: true, vcenter: isVcenter ? input.server : null },
    target: {
      host: {
        esxiVersion: /^\d+(\.\d+){0,3}$/.test(host.version) ? host.version : '8.0.0',
        managementServerIp: isVcenter ? null : (host.managementServerIp ?? null),
        // A host with shared (non-local) VMFS datastores has SAN storage attached.
        sanAttached: hostDatastores.some((d) => d.type === 'VMFS' && !d.local),
      },
      datastore: { name: datastore.name, type: datastoreType(datastore), lun: null, freeBytes: datastore.freeBytes },
      keyProviders,
      storagePolicies,
    },
    restorePoint: {
      vm: {
        name: m.vm.name,
        guestFamily: guestFamilyOf(m.configInfo),
        firmware: m.firmware ?? 'bios',
        encrypted: m.keyId !== null,
        keyProvider: keyId?.providerId?.id ?? null,
        hasKeyId: m.keyId !== null,
        hasEncryptionBundle: m.encryptionBundle !== null,
        storagePolicy: null,
        vtpm: m.vtpm !== null,
        nvramSaved: m.nvram !== null,
        independentDisks: m.skippedIndependentDisks.length,
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
        encrypted: m.keyId !== null,
      })),
    },
    options: {
      transport: input.transport,
      restoreKind: input.restoreKind,
      cbtEnabledOnTarget: input.cbtEnabledOnTarget ?? Boolean((m.configInfo as { changeTrackingEnabled?: unknown }).changeTrackingEnabled),
      concurrentStreams: input.concurrentStreams ?? 4,
    },
  };
}
