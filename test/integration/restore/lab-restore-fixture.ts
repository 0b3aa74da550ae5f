import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isIndependent } from '../../../electron/backup/backup-source-port';
import { LAB_VMS, type LabInfo } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { planRestore } from '../../../electron/planner/plan-restore';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import type { Plan } from '../../../electron/planner/plan-types';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VddkSession } from '../../../electron/vddk/vddk-session';
import { fetchInventory, listVms } from '../../../electron/vsphere/inventory';
import { associatedPolicies } from '../../../electron/vsphere/storage-policies';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { asArray, type VimObject } from '../../../electron/vsphere/vim-types';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { MemoryDiskImage, patternBytes } from '../../unit/repository/memory-disk-image';
import { TEST_KDF, copyImage } from '../../unit/repository/repository-fixtures';

export const MiB = 1024 * 1024;

export function labSession(info: LabInfo): Promise<VimSession> {
  return VimSession.connect({ url: info.url, username: info.username, password: async () => info.password, trustedSha256: info.thumbprintSha256 });
}

/** A VDDK session on the lab VDDK, with the lab's datastores mapped to their folders. */
export function labVddk(info: LabInfo, stateDir: string, extra: Record<string, string | number> = {}): Promise<VddkSession> {
  return VddkSession.start({
    vddkDir: labVddkDir(),
    tmpRoot: stateDir,
    extraConfigText: labVddkConfig(info, { extra: { 'labvddk.stateDir': stateDir, 'labvddk.serverMode': info.mode, ...extra } }),
  });
}

export function vddkConnect(info: LabInfo) {
  const url = new URL(info.url);
  return { server: url.hostname, port: Number(url.port), thumbprint: info.thumbprintSha1, userName: info.username, password: info.password };
}

/**
 * A restore point of the lab's encrypted EFI/vTPM VM, made as a backup would:
 * its ConfigInfo from the PropertyCollector, keyId, encryption.bundle, NVRAM,
 * and disks with an MBR, data and holes (written here, held in memory for comparison).
 */
export async function encryptedVmPoint(
  session: VimSession,
  repoDir: string,
  vmName: string = LAB_VMS.encrypted,
): Promise<{ point: RestorePoint; disks: Map<number, MemoryDiskImage>; nvram: Buffer }> {
  const repo = await Repository.init(new LocalFolderBackend(repoDir), 'pw', { kdf: TEST_KDF });
  return labVmPoint(session, repo, vmName);
}

export interface LabVmPointOptions {
  /** The VM name the point records (default: the lab VM's); a recovery rehearsal names its site's VMs. */
  pointVmName?: string;
  /** Every disk's capacity instead of the lab VM's (the data written stays small: 4 MiB + 1 MiB). */
  capacityBytes?: number;
  /** Every disk's saved provisioning instead of the lab VM's. */
  provisioning?: 'thin' | 'lazyzeroed' | 'eagerzeroed';
}

/**
 * A restore point of a lab VM written into `repo` as a backup would make it
 * (see encryptedVmPoint). The disks' bytes are returned for comparisons.
 */
export async function labVmPoint(
  session: VimSession,
  repo: Repository,
  vmName: string,
  options: LabVmPointOptions = {},
): Promise<{ point: RestorePoint; disks: Map<number, MemoryDiskImage>; nvram: Buffer }> {
  const vm = (await listVms(session)).find((v) => v.name === vmName);
  if (!vm) throw new Error(`lab VM ${vmName} missing`);
  const { raw, config: labConfig } = await fetchVmConfigInfo(session, vm.ref);
  const name = options.pointVmName ?? labConfig.name;
  const config = {
    ...labConfig,
    name,
    disks: labConfig.disks.map((d) => ({ ...d, capacityBytes: options.capacityBytes ?? d.capacityBytes })),
  };
  const inv = await fetchInventory(session);
  const bundle = config.extraConfig.find((o) => o.key === 'encryption.bundle')?.value;
  const writer = repo.beginPoint({
    vm: { name, instanceUuid: config.uuid ?? 'uuid', moref: vm.ref.value, sourceServer: 'lab' },
    configInfo: { ...withDiskCapacity(raw, options.capacityBytes), name, changeTrackingEnabled: true },
    firmware: config.firmware === 'efi' ? 'efi' : 'bios',
    // BACKUP-SAVE-CONFIG: the VirtualTPM device itself, endorsement key certificates included.
    vtpm: (asArray((raw.hardware as VimObject | undefined)?.device as VimObject[] | undefined).find((d) => d.$type === 'VirtualTPM') as Record<string, unknown> | undefined) ?? null,
    keyId: config.keyId ? { keyId: config.keyId.keyId, providerId: { id: config.keyId.providerId } } : null,
    encryptionBundle: typeof bundle === 'string' ? bundle : null,
    // As a backup saves them: policy ids of the VM home and each disk (vCenter only).
    storagePolicy: session.isHostAgent
      ? null
      : { vm: await associatedPolicies(session, vm.ref), disks: await Promise.all(config.disks.map(async (d) => ({ key: d.key, policies: await associatedPolicies(session, vm.ref, d.key) }))) },
    // BACKUP-SKIP-INDEPENDENT, as a backup does: independent disks are named, not saved.
    skippedIndependentDisks: config.disks.filter(isIndependent).map((d) => ({ key: d.key, label: d.label, diskMode: d.diskMode, fileName: d.fileName })),
    kind: 'full',
    parentPointId: null,
  });
  const disks = new Map<number, MemoryDiskImage>();
  for (const d of config.disks.filter((x) => !isIndependent(x))) {
    const controller = config.controllers.find((c) => c.key === d.controllerKey);
    const img = new MemoryDiskImage(d.capacityBytes);
    const mbr = Buffer.alloc(512);
    patternBytes(440, d.key).copy(mbr);
    mbr.writeUInt32LE(0x5eed0000 + d.key, 440);
    mbr.writeUInt16LE(0xaa55, 510);
    await img.write(0, mbr);
    await img.write(2 * MiB, patternBytes(3 * MiB, d.key + 1));
    await img.write(d.capacityBytes - MiB, patternBytes(MiB, d.key + 2));
    disks.set(d.key, img);
    await copyImage(
      img,
      writer.addDisk({
        key: d.key,
        label: d.label,
        controller: { type: controller?.deviceType ?? 'ParaVirtualSCSIController', busNumber: controller?.busNumber ?? 0, unitNumber: d.unitNumber },
        capacity: d.capacityBytes,
        provisioning: options.provisioning ?? (d.provisioning === 'thin' ? 'thin' : d.provisioning === 'eagerZeroed' ? 'eagerzeroed' : 'lazyzeroed'),
        diskMode: d.diskMode,
        datastore: { name: inv.datastores[0]?.name ?? 'LocalDS_0', type: 'VMFS' },
        allocationMapSaved: true,
        changeId: null,
      }),
    );
  }
  const nvram = patternBytes(64 * 1024, 99);
  await writer.setNvram(`${config.name}.nvram`, nvram);
  const { manifest } = await writer.commit();
  return { point: await repo.openPoint(manifest.id), disks, nvram };
}

/** The saved ConfigInfo with every VirtualDisk's capacity set to `bytes` (when given), as a bigger VM's backup would have it. */
function withDiskCapacity(raw: Record<string, unknown>, bytes: number | undefined): Record<string, unknown> {
  if (bytes === undefined) return raw;
  const hardware = raw.hardware as VimObject | undefined;
  if (!hardware) return raw;
  const devices = asArray(hardware.device as VimObject[] | undefined).map((d) =>
    d.$type === 'VirtualDisk' ? { ...d, capacityInKB: Math.floor(bytes / 1024), capacityInBytes: bytes } : d,
  );
  return { ...raw, hardware: { ...hardware, device: devices } };
}

/** The plan for restoring `point` as the live planner would make it for the lab. */
/** `disks-as-new`: a disks restore that adds the point's disks to an existing VM (the plan then has that step). */
export function planFor(point: RestorePoint, info: LabInfo, transport: 'nbdssl' | 'nbd' | 'hotadd', restoreKind: 'full-vm' | 'disks' | 'disks-as-new' = 'full-vm'): Plan {
  const m = point.manifest;
  const parsed = parseScenario({
    // HotAdd runs from a proxy VM under the same vCenter that reaches the datastore (encrypted, for encrypted disks).
    workstation:
      transport === 'hotadd'
        ? { kind: 'vm', vmEncrypted: true, vcenter: '127.0.0.1', datastores: [info.datastores[0]?.name ?? 'LocalDS_0'], scsiControllerBuses: [0, 1] }
        : { kind: 'physical' },
    connection: { kind: info.mode === 'vcenter' ? 'vcenter' : 'esxi', server: '127.0.0.1', vcenter: '127.0.0.1' },
    target: {
      host: { esxiVersion: '8.0.2', managementServerIp: null, sanAttached: false },
      datastore: { name: info.datastores[0]?.name ?? 'LocalDS_0', type: 'VMFS', freeBytes: 1e12 },
      keyProviders: info.keyProviders,
      storagePolicies: info.storagePolicies,
    },
    restorePoint: {
      vm: {
        name: m.vm.name, guestFamily: 'windows', firmware: m.firmware ?? 'bios', encrypted: Boolean(m.keyId), keyProvider: info.keyProviders[0] ?? null,
        hasKeyId: Boolean(m.keyId), hasEncryptionBundle: Boolean(m.encryptionBundle), vtpm: true, nvramSaved: Boolean(m.nvram),
      },
      disks: m.disks.map((d) => ({
        key: d.key, label: d.label, controller: 'pvscsi', bus: d.controller.busNumber, unit: d.controller.unitNumber,
        capacityBytes: d.capacity, allocatedBytes: d.allocatedBytes, provisioning: d.provisioning, encrypted: Boolean(m.keyId),
      })),
    },
    options: { transport, restoreKind: restoreKind === 'full-vm' ? 'full-vm' : 'disks', addAsNew: restoreKind === 'disks-as-new' },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return planRestore(parsed.scenario);
}

/** The raw image of a restore-point disk, for qemu-img compare. */
export async function writeRaw(file: string, img: MemoryDiskImage): Promise<string> {
  await writeFile(file, img.bytes);
  return file;
}

export { join };
