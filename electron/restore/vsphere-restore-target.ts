import type { RestorePointManifest } from '../repository/restore-point-manifest';
import { buildConfigSpec, newDiskChange, type EncryptionChoice } from '../vsphere/config-spec-builder';
import { nvramFileOf, uploadDatastoreFile } from '../vsphere/datastore-files';
import { datacenterHolding, datacenterPath } from '../vsphere/datacenter-path';
import { fetchInventory } from '../vsphere/inventory';
import { retrieveOne } from '../vsphere/property-collector';
import { generateKey } from '../vsphere/key-providers';
import { DEFAULT_ENCRYPTION_POLICY } from '../planner/rules/crypto-vtpm-rules';
import { associatedPolicies, findStoragePolicy, listStoragePolicies } from '../vsphere/storage-policies';
import type { Inventory } from '../vsphere/inventory-types';
import { fetchVmConfigInfo, readVmConfig, type SavedDisk, type SavedVmConfig } from '../vsphere/vm-config-info';
import { addDevices, createSnapshot, createVm, powerOffVm, powerOnVm, removeSnapshot, setChangeTracking } from '../vsphere/vm-operations';
import { readVmDiskGuard, revertToSnapshot } from '../vsphere/vm-snapshots';
import type { VimSession } from '../vsphere/vim-session';
import { asArray, type MoRef, type VimObject, type VimValue } from '../vsphere/vim-types';
import type { VddkConnectParams } from '../vddk/vddk-connection';
import type { VddkSession } from '../vddk/vddk-session';
import { defaultVmConfig, isImportedPoint } from './default-vm-config';
import { diskDatastoresOf } from './disk-placement';
import { savedDiskPolicyIds, savedVmPolicyId } from './saved-storage-policy';
import { mapNetworks } from './target-network-map';
import type { NewTargetDisk, OpenDiskOptions, OpenedTargetDisk, RestoreTarget, RestoreVm, VmDiskState, VmIdentity, VmPlacement } from './restore-target';
import { VimFault } from '../vsphere/vim-fault';
import { xsdValue } from '../vsphere/vim-types';
import { listVms } from '../vsphere/inventory';

export interface VsphereTargetOptions {
  session: VimSession;
  vddk: VddkSession;
  /** Server, SHA-1 thumbprint and credentials for VDDK (no vmxSpec: added per VM). */
  connect: Omit<VddkConnectParams, 'vmxSpec' | 'transports' | 'snapshotRef' | 'readOnly'>;
  /** Datacenter of the target (default: the first one). */
  datacenter?: string;
  /** For reports: "vCenter vc01" etc. */
  description: string;
  /**
   * How restore-point disks map to the target VM's disks: by controller bus and
   * unit for a VM created from the saved ConfigInfo (it gets new device keys),
   * by device key for a restore into the VM the point was taken from.
   */
  diskMatch: { by: 'slot'; slots: Map<number, { bus: number; unit: number }> } | { by: 'key' };
}

/** CRYPT-KEYS-MISSING / CRYPT-KMS-MISMATCH fallbacks, as the user chose them. */
async function encryptionChoice(session: VimSession, placement: VmPlacement, point: RestorePointManifest): Promise<EncryptionChoice | undefined> {
  if (placement.encryption === 'unencrypted') return { mode: 'unencrypted' };
  if (placement.encryption === 'new-keys') return { mode: 'new-key', key: await generateKey(session) };
  return point.keyId ? { mode: 'same-key' } : undefined;
}

const vmRef = (moref: string): MoRef => ({ type: 'VirtualMachine', value: moref });

const refs = (v: VimValue | undefined): MoRef[] => asArray(v as MoRef | MoRef[] | undefined);


/** extraConfig key that names the restore job that created a VM (a resumed job adopts its own VM by it, never another). */
export const JOB_MARKER_KEY = 'lifeboat.restoreJob';

function withJobMarker(spec: VimObject, marker: string | undefined): VimObject {
  if (!marker) return spec;
  const extra = Array.isArray(spec.extraConfig) ? (spec.extraConfig as VimObject[]) : [];
  return { ...spec, extraConfig: [...extra, { $type: 'OptionValue', key: JOB_MARKER_KEY, value: xsdValue(marker) }] };
}

/** DATA-INDEPENDENT-DISK: leaves out the disks the restore point has no data for (independent disks). */
function withoutIndependentDisks(spec: VimObject): VimObject {
  const changes = Array.isArray(spec.deviceChange) ? (spec.deviceChange as VimObject[]) : [];
  const kept = changes.filter((change) => {
    const device = change.device as VimObject | undefined;
    const backing = device?.backing as VimObject | undefined;
    return !(device?.$type === 'VirtualDisk' && /^independent/.test(String(backing?.diskMode ?? '')));
  });
  return { ...spec, deviceChange: kept };
}

/**
 * The restore target on a vCenter or standalone ESXi host: the VM comes from
 * the saved ConfigInfo through a ConfigSpec, disks are written through VDDK
 * (one connection per open disk, the plan's transport only), NVRAM through
 * the datastore file service.
 */
export class VsphereRestoreTarget implements RestoreTarget {
  readonly description: string;
  readonly supportsPrepareForAccess: boolean;
  private inventory: Inventory | null = null;

  constructor(private readonly options: VsphereTargetOptions) {
    this.description = options.description;
    // PrepareForAccess/EndAccess exist on vCenter only (a bare host answers "HostAgent is not a vCenter").
    this.supportsPrepareForAccess = options.session.serviceContent.about.apiType === 'VirtualCenter';
  }

  private async inv(): Promise<Inventory> {
    this.inventory ??= await fetchInventory(this.options.session);
    return this.inventory;
  }

  private params(vm: RestoreVm | null, transports?: string[]): VddkConnectParams {
    return { ...this.options.connect, vmxSpec: vm ? `moref=${vm.moref}` : undefined, transports };
  }

  async prepareForAccess(vm: RestoreVm | null, identity: string): Promise<void> {
    await this.options.vddk.prepareForAccess(this.params(vm), identity);
  }

  async endAccess(vm: RestoreVm | null, identity: string): Promise<void> {
    await this.options.vddk.endAccess(this.params(vm), identity);
  }

  /**
   * The datastore a placement names, looked up within the chosen datacenter
   * (datastore names are unique only per datacenter), and the datacenter
   * that holds it.
   */
  private async datastoreNamed(name: string) {
    const inv = await this.inv();
    const wantDc = this.options.datacenter;
    const candidates = inv.datastores
      .filter((d) => d.name === name)
      .map((d) => ({ datastore: d, dc: datacenterHolding(inv, d.parent) }))
      .filter((c) => !wantDc || c.dc?.name === wantDc || (c.dc && datacenterPath(inv, c.dc) === wantDc));
    if (candidates.length === 0) {
      const where = wantDc ? ` in datacenter ${wantDc}` : '';
      throw new Error(`datastore "${name}" not found${where}; the target has ${inv.datastores.map((d) => d.name).join(', ') || 'none'}`);
    }
    if (candidates.length > 1) {
      const dcs = candidates.map((c) => (c.dc ? datacenterPath(inv, c.dc) : '?')).join(', ');
      throw new Error(`datastore "${name}" exists in several datacenters (${dcs}); name the datacenter to restore into.`);
    }
    const found = candidates[0]!;
    if (!found.dc) throw new Error(`no datacenter holds datastore "${name}" in the inventory of ${this.description}`);
    return { inv, datastore: found.datastore, dc: found.dc };
  }

  /** Finds the folder, pool, host and datastore of a placement in the inventory; names what is missing. */
  private async resolvePlacement(placement: VmPlacement) {
    const { inv, datastore, dc } = await this.datastoreNamed(placement.datastore);
    const host = placement.host
      ? inv.hosts.find((h) => h.name === placement.host)
      : inv.hosts.find((h) => h.connectionState === 'connected' && h.datastores.some((d) => d.value === datastore.ref.value));
    if (!host) throw new Error(placement.host ? `host "${placement.host}" not found` : `no connected host reaches datastore ${placement.datastore}`);
    const compute = inv.computeResources.find((c) => c.hosts.some((h) => h.value === host.ref.value));
    const pool = placement.resourcePool ? inv.resourcePools.find((p) => p.name === placement.resourcePool)?.ref : compute?.rootPool;
    if (!pool) throw new Error(`resource pool ${placement.resourcePool ?? '(root)'} not found for host ${host.name}`);
    // The VM goes into the VM folder of the datacenter that holds its datastore.
    const folder = placement.folder ? inv.folders.find((f) => f.name === placement.folder)?.ref : dc.vmFolder;
    if (!folder) throw new Error(`VM folder ${placement.folder ?? '(root)'} not found`);
    return { inv, datastore, host, pool, folder };
  }

  /**
   * Storage policies for the new VM (vCenter only): the user's pick for the
   * home and the disks; else the saved ones the target has (home and each
   * disk), and for an encrypted VM whose saved home policy is gone the
   * encryption sample policy (CRYPT-POLICY-MISSING): vCenter refuses
   * encryption without an encryption policy.
   */
  private async storagePolicies(point: RestorePointManifest, placement: VmPlacement, encrypted: boolean): Promise<{ vm?: string; disks?: Map<number, string> }> {
    const session = this.options.session;
    if (session.isHostAgent) {
      if (placement.storagePolicy) throw new Error(`${this.description} is a standalone ESXi host, which has no storage policies; leave out the storage policy.`);
      return {};
    }
    const policies = await listStoragePolicies(session);
    if (placement.storagePolicy) return { vm: findStoragePolicy(policies, placement.storagePolicy, session.server).id };
    const onTarget = (id: string | undefined) => (id && policies.some((p) => p.id === id) ? id : undefined);
    const disks = new Map([...savedDiskPolicyIds(point)].filter(([, id]) => onTarget(id)));
    const vm = onTarget(savedVmPolicyId(point)) ?? (encrypted ? findStoragePolicy(policies, DEFAULT_ENCRYPTION_POLICY, session.server).id : undefined);
    return { vm, disks };
  }

  /** The storage policy of an existing VM's home, else the encryption sample policy. */
  private async encryptionPolicyOf(vm: RestoreVm): Promise<string> {
    const session = this.options.session;
    const [current] = await associatedPolicies(session, vmRef(vm.moref));
    return current ?? findStoragePolicy(await listStoragePolicies(session), DEFAULT_ENCRYPTION_POLICY, session.server).id;
  }

  async createVm(point: RestorePointManifest, placement: VmPlacement): Promise<RestoreVm> {
    const { inv, datastore, host, pool, folder } = await this.resolvePlacement(placement);
    // DATA-NO-CONFIGINFO: an imported point has no ConfigInfo; its VM is built from the defaults the plan listed.
    const saved: VimObject | SavedVmConfig = isImportedPoint(point) ? defaultVmConfig(point, placement.importedVm) : (point.configInfo as VimObject);
    const encryption = await encryptionChoice(this.options.session, placement, point);
    const encrypted = encryption?.mode === 'new-key' || (encryption?.mode === 'same-key' && Boolean(point.keyId));
    const policies = await this.storagePolicies(point, placement, encrypted);
    const { mapping, fallback } = mapNetworks(inv, host, placement.networkMap, 'nics' in saved ? (saved as SavedVmConfig).nics : readVmConfig(saved as VimObject).nics);
    const built = buildConfigSpec(saved, {
      name: placement.name,
      datastoreName: datastore.name,
      datastore: datastore.ref,
      networkMapping: mapping,
      defaultNetwork: fallback,
      encryption,
      storageProfileId: policies.vm,
      diskStorageProfileIds: policies.disks,
      diskDatastores: diskDatastoresOf(inv, host, placement),
      hardwareVersion: placement.hardwareVersion,
      diskProvisioning: Object.fromEntries(
        Object.entries(placement.diskProvisioning ?? {}).map(([key, p]) => [Number(key), p === 'thin' ? 'thin' : p === 'eagerzeroed' ? 'eagerZeroed' : 'lazyZeroed']),
      ),
    });
    const spec = withJobMarker(placement.includeIndependentDisks ? built.spec : withoutIndependentDisks(built.spec), placement.jobMarker);
    const ref = await createVm(this.options.session, { folder, resourcePool: pool, host: host.ref }, spec);
    return { moref: ref.value, name: placement.name };
  }

  async powerOn(vm: RestoreVm): Promise<void> {
    await powerOnVm(this.options.session, vmRef(vm.moref));
  }

  async vmIdentity(vm: RestoreVm): Promise<VmIdentity | null> {
    try {
      const { raw, config } = await fetchVmConfigInfo(this.options.session, vmRef(vm.moref));
      return {
        moref: vm.moref,
        name: config.name,
        instanceUuid: typeof raw.instanceUuid === 'string' ? raw.instanceUuid : null,
        disks: config.disks.map((d) => ({ key: d.key, fileName: d.fileName, capacityBytes: d.capacityBytes })),
      };
    } catch (err) {
      // The moref names no VM any more (deleted, or the server's inventory was rebuilt).
      if (err instanceof VimFault && err.is('ManagedObjectNotFound')) return null;
      throw err;
    }
  }

  async findVmByMarker(name: string, jobMarker: string): Promise<RestoreVm | null> {
    for (const candidate of (await listVms(this.options.session)).filter((v) => v.name === name)) {
      const { config } = await fetchVmConfigInfo(this.options.session, candidate.ref);
      if (config.extraConfig.some((o) => o.key === JOB_MARKER_KEY && String(o.value) === jobMarker)) return { moref: candidate.ref.value, name };
    }
    return null;
  }

  async vmNameInUse(name: string): Promise<boolean> {
    return (await listVms(this.options.session)).some((v) => v.name === name);
  }

  async findVm(moref: string): Promise<RestoreVm | null> {
    try {
      const { config } = await fetchVmConfigInfo(this.options.session, vmRef(moref));
      return { moref, name: config.name };
    } catch {
      return null;
    }
  }

  private async config(vm: RestoreVm): Promise<SavedVmConfig> {
    return (await fetchVmConfigInfo(this.options.session, vmRef(vm.moref))).config;
  }

  /** Adds empty disks on the VM's first SCSI controller (free units in order; unit 7 is the controller's). */
  async addDisks(vm: RestoreVm, disks: NewTargetDisk[], datastoreName: string): Promise<Map<number, number>> {
    const before = await this.config(vm);
    const controller = [...before.controllers].filter((c) => /SCSI|LsiLogic|BusLogic/i.test(c.deviceType)).sort((a, b) => a.busNumber - b.busNumber)[0];
    if (!controller) throw new Error(`${vm.name} has no SCSI controller to add disks to`);
    const used = new Set(before.disks.filter((d) => d.controllerKey === controller.key).map((d) => d.unitNumber));
    const free = Array.from({ length: 16 }, (_, u) => u).filter((u) => u !== 7 && !used.has(u));
    if (free.length < disks.length) throw new Error(`${vm.name}'s SCSI controller ${controller.busNumber} has only ${free.length} free unit(s) for ${disks.length} disk(s)`);
    const { datastore } = await this.datastoreNamed(datastoreName);
    const units = disks.map((_, i) => free[i] as number);
    // New disks are encrypted where the VM's disks are (a vTPM-only VM has an encrypted home and
    // plain disks); on vCenter they then need an encryption policy: the VM's, else the sample one.
    const encryptKey = before.keyId && before.disks.some((d) => d.encrypted) ? before.keyId : undefined;
    const storageProfileId = encryptKey && !this.options.session.isHostAgent ? await this.encryptionPolicyOf(vm) : undefined;
    const changes = disks.map((d, i) =>
      newDiskChange(
        {
          controllerKey: controller.key,
          unitNumber: units[i] as number,
          capacityBytes: d.capacity,
          datastoreName,
          datastore: datastore.ref,
          provisioning: d.provisioning === 'thin' ? 'thin' : d.provisioning === 'eagerzeroed' ? 'eagerZeroed' : 'lazyZeroed',
          key: encryptKey,
          storageProfileId,
        },
        -100 - i,
      ),
    );
    await addDevices(this.options.session, vmRef(vm.moref), changes);
    const after = await this.config(vm);
    const mapping = new Map<number, number>();
    disks.forEach((d, i) => {
      const added = after.disks.find((x) => x.controllerKey === controller.key && x.unitNumber === units[i]);
      if (!added) throw new Error(`the disk added for restore-point disk ${d.pointKey} did not appear on ${vm.name}`);
      mapping.set(d.pointKey, added.key);
    });
    return mapping;
  }

  async changeTrackingEnabled(vm: RestoreVm): Promise<boolean> {
    return (await this.config(vm)).changeTrackingEnabled;
  }

  async setChangeTracking(vm: RestoreVm, enabled: boolean): Promise<void> {
    await setChangeTracking(this.options.session, vmRef(vm.moref), enabled);
  }

  /** The target VM's disk for a restore-point disk (see VsphereTargetOptions.diskMatch). */
  private async targetDisk(vm: RestoreVm, pointKey: number): Promise<SavedDisk> {
    const config = await this.config(vm);
    const match = this.options.diskMatch;
    const slot = match.by === 'slot' ? match.slots.get(pointKey) : undefined;
    const found = config.disks.find((d) => {
      if (match.by === 'key') return d.key === pointKey;
      const controller = config.controllers.find((c) => c.key === d.controllerKey);
      return slot !== undefined && controller?.busNumber === slot.bus && d.unitNumber === slot.unit;
    });
    if (!found) throw new Error(`the VM ${vm.name} has no disk matching restore-point disk ${pointKey}`);
    return found;
  }

  async openDisk(vm: RestoreVm, diskKey: number, options: OpenDiskOptions): Promise<OpenedTargetDisk> {
    const disk = await this.targetDisk(vm, diskKey);
    const connection = await this.options.vddk.connect(this.params(vm, [options.transport]));
    try {
      const image = await connection.openDisk(disk.fileName, { unbuffered: options.unbuffered });
      return {
        image,
        transportMode: image.transportMode,
        readsZero: options.fresh,
        close: async () => {
          await image.close().catch(() => undefined);
          await connection.disconnect();
        },
      };
    } catch (err) {
      await connection.disconnect().catch(() => undefined);
      throw err;
    }
  }

  /** The datastore file service addresses a file by the inventory path of the datacenter holding its datastore (dcPath). */
  async uploadNvram(vm: RestoreVm, data: Buffer): Promise<void> {
    const file = nvramFileOf('', await this.config(vm));
    const inv = await this.inv();
    // The VM's own datastores tell which of several same-named datastores holds its files.
    const used = refs((await retrieveOne(this.options.session, vmRef(vm.moref), ['datastore']))?.props.datastore);
    const datastore = inv.datastores.find((d) => d.name === file.datastore && used.some((r) => r.value === d.ref.value)) ?? (await this.datastoreNamed(file.datastore)).datastore;
    const dc = datacenterHolding(inv, datastore.parent);
    if (!dc) throw new Error(`no datacenter holds datastore "${file.datastore}" in the inventory of ${this.description}`);
    await uploadDatastoreFile(this.options.session, { ...file, datacenter: datacenterPath(inv, dc) }, data, data.length);
  }

  async diskState(vm: RestoreVm): Promise<VmDiskState> {
    const guard = await readVmDiskGuard(this.options.session, vmRef(vm.moref));
    return { powerState: guard.powerState, snapshots: guard.snapshots.map((s) => ({ ref: s.ref.value, name: s.name })) };
  }

  async powerOff(vm: RestoreVm): Promise<void> {
    await powerOffVm(this.options.session, vmRef(vm.moref));
  }

  async createRestoreSnapshot(vm: RestoreVm, name: string): Promise<string> {
    const ref = await createSnapshot(this.options.session, vmRef(vm.moref), name, {
      description: 'Taken by Lifeboat for a SAN restore; reverted and deleted when the restore ends.',
    });
    return ref.value;
  }

  async revertAndRemoveSnapshot(_vm: RestoreVm, snapshotRef: string): Promise<void> {
    const ref = { type: 'VirtualMachineSnapshot', value: snapshotRef };
    await revertToSnapshot(this.options.session, ref);
    await removeSnapshot(this.options.session, ref);
  }

  async cleanup(): Promise<void> {
    await this.options.vddk.cleanup(this.params(null));
  }

  async close(): Promise<void> {
    this.inventory = null;
  }
}
