import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../../../electron/planner/plan-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentFacts } from '../../../electron/api/schemas/environment-schema';
import type { LabInfo } from '../../../electron/lab/lab-info';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { planRestore } from '../../../electron/planner/plan-restore';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { writeDemoPoint } from '../../../electron/restore-points/demo-restore-point';
import { gatherLiveScenario } from '../../../electron/restore/live-restore-facts';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';
import { runRestoreJob, type RestoreJobInput } from '../../../electron/restore/restore-job';
import { VsphereRestoreTarget } from '../../../electron/restore/vsphere-restore-target';
import { downloadDatastoreFileBytes, nvramFileOf } from '../../../electron/vsphere/datastore-files';
import { fetchInventory, listVms } from '../../../electron/vsphere/inventory';
import { retrieveOne } from '../../../electron/vsphere/property-collector';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { createSnapshot, createVm, powerOffVm, powerOnVm, removeSnapshot } from '../../../electron/vsphere/vm-operations';
import type { VimObject } from '../../../electron/vsphere/vim-types';
import { readVmDiskGuard } from '../../../electron/vsphere/vm-snapshots';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import type { MoRef } from '../../../electron/vsphere/vim-types';
import { MemoryDiskImage, patternBytes } from '../../unit/repository/memory-disk-image';
import { TEST_KDF, copyImage } from '../../unit/repository/repository-fixtures';
import { labSession, labVddk, planFor, vddkConnect } from './lab-restore-fixture';

/** A restore point of a plain lab VM (one thin 1 MiB disk), made as a backup would, with a pattern written. */
async function pointOfLabVm(session: VimSession, repoDir: string, vm: MoRef, nicNetwork?: string): Promise<RestorePoint> {
  const { raw, config } = await fetchVmConfigInfo(session, vm);
  if (nicNetwork) {
    // The source VM had a NIC on this (standard) network.
    const hardware = raw.hardware as { device: VimObject[] };
    hardware.device = [...hardware.device, { $type: 'VirtualVmxnet3', key: 4000, backing: { $type: 'VirtualEthernetCardNetworkBackingInfo', deviceName: nicNetwork }, addressType: 'generated' }];
  }
  const repo = await Repository.init(new LocalFolderBackend(repoDir), 'pw', { kdf: TEST_KDF });
  const writer = repo.beginPoint({
    vm: { name: config.name, instanceUuid: config.uuid ?? 'uuid', moref: vm.value, sourceServer: 'lab' },
    configInfo: raw,
    firmware: 'bios',
    vtpm: null,
    keyId: null,
    encryptionBundle: null,
    storagePolicy: null,
    skippedIndependentDisks: [],
    kind: 'full',
    parentPointId: null,
  });
  for (const d of config.disks) {
    const img = new MemoryDiskImage(d.capacityBytes);
    await img.write(0, patternBytes(d.capacityBytes / 2, d.key));
    await copyImage(
      img,
      writer.addDisk({
        key: d.key,
        label: d.label,
        controller: { type: 'ParaVirtualSCSIController', busNumber: 0, unitNumber: d.unitNumber },
        capacity: d.capacityBytes,
        provisioning: 'thin',
        diskMode: d.diskMode,
        datastore: { name: 'LocalDS_0', type: 'VMFS' },
        allocationMapSaved: true,
        changeId: null,
      }),
    );
  }
  return repo.openPoint((await writer.commit()).manifest.id);
}

/** The plan the live planner makes, with every disk written over `transport` (what the job executes). */
/**
 * A plan whose disks go over `transport` whatever the facts (these tests are about what the target enforces,
 * not about the planner's choice); a SAN plan carries the restore snapshot steps the planner gives SAN writes.
 */
function planOver(point: RestorePoint, info: LabInfo, transport: 'san' | 'nbdssl', kind: 'full-vm' | 'disks'): Plan {
  const plan = planFor(point, info, 'nbdssl', kind);
  const sanSteps: Plan['steps'] =
    transport === 'san'
      ? [
          { rule: 'XPORT-SAN-RESTORE-SNAPSHOT', order: 0, phase: 'san-snapshot', description: 'Take a restore snapshot before the SAN writes.' },
          { rule: 'XPORT-SAN-RESTORE-SNAPSHOT', order: 0, phase: 'san-snapshot-remove', description: 'Revert to the restore snapshot and delete it.' },
        ]
      : [];
  return { ...plan, disks: plan.disks.map((d) => ({ ...d, transport })), steps: [...plan.steps, ...sanSteps] };
}

describe('the restore target as vCenter has it (lab vCenter + lab VDDK)', () => {
  let lab: RunningLab;
  let dir: string;
  let session: VimSession;
  const vmNamed = async (name: string) => (await listVms(session)).find((v) => v.name === name)!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-target-guards-'));
    lab = await startVcsim({ mode: 'vcenter', vms: 4 });
    session = await labSession(lab.info);
  }, 240_000);
  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function job(input: Omit<RestoreJobInput, 'openPointDisk' | 'nvram' | 'verify' | 'identity'> & { point: RestorePoint }, diskMatch: 'key' | 'slot', vddkExtra: Record<string, string> = {}) {
    const vddk = await labVddk(lab.info, dir, vddkExtra);
    const { point, ...rest } = input;
    const target = new VsphereRestoreTarget({
      session,
      vddk,
      connect: vddkConnect(lab.info),
      description: 'lab vcenter',
      diskMatch: diskMatch === 'key' ? { by: 'key' } : { by: 'slot', slots: new Map(point.manifest.disks.map((d) => [d.key, { bus: d.controller.busNumber, unit: d.controller.unitNumber }])) },
    });
    try {
      return await runRestoreJob(
        { ...rest, openPointDisk: async (key) => point.disk(key), nvram: async () => (await point.readNvram())?.data ?? null, identity: `Lifeboat ${input.jobId}` },
        { target, checkpoint: await RestoreCheckpointFile.create(join(dir, 'home'), { jobId: input.jobId, request: {}, vm: null, cbtWasOn: null, phases: [], disks: {} }) },
      );
    } finally {
      await vddk.close();
    }
  }

  it('the lab VDDK refuses to write a running VM\'s disk, and a SAN write without exactly the restore snapshot', async () => {
    const vm = await vmNamed(`${lab.info.bulkVmPrefix}0000`);
    const file = (await fetchVmConfigInfo(session, vm.ref)).config.disks[0]!.fileName;
    const vddk = await labVddk(lab.info, dir);
    const open = async (transport: 'nbdssl' | 'san') => {
      const conn = await vddk.connect({ ...vddkConnect(lab.info), vmxSpec: `moref=${vm.ref.value}`, transports: [transport] });
      try {
        await (await conn.openDisk(file)).close();
      } finally {
        await conn.disconnect();
      }
    };
    try {
      await powerOnVm(session, vm.ref);
      await expect(open('nbdssl')).rejects.toThrow(/already in use.*VIX error 15/);
      await powerOffVm(session, vm.ref);
      await open('nbdssl');
      await expect(open('san')).rejects.toThrow();
      const restoreSnapshot = await createSnapshot(session, vm.ref, 'restore');
      await open('san');
      const second = await createSnapshot(session, vm.ref, 'another');
      await expect(open('san')).rejects.toThrow();
      await removeSnapshot(session, second);
      await removeSnapshot(session, restoreSnapshot);
    } finally {
      await vddk.close();
    }
  });

  it('XPORT-SAN-RESTORE-SNAPSHOT: a SAN restore onto the SAN datastore writes under the restore snapshot, then reverts and deletes it (also when the write fails)', async () => {
    const repo = await Repository.init(new LocalFolderBackend(join(dir, 'demo-repo')), 'pw', { kdf: TEST_KDF });
    const point = await repo.openPoint((await writeDemoPoint(repo)).id);
    const san = lab.info.datastores.find((d) => d.lun)!;
    const input = { kind: 'full-vm' as const, manifest: point.manifest, point, plan: planOver(point, lab.info, 'san', 'full-vm') };

    // The workstation does not see the LUN: the lab VDDK refuses the SAN write, and the snapshot is still reverted and deleted.
    const unseen = await job({ ...input, jobId: 'san-unseen', placement: { name: 'demo-san-unseen', datastore: san.name, encryption: 'keep' } }, 'slot');
    expect(unseen.errors.join(' ')).toMatch(/VIX error 13/);
    expect(unseen.phases.find((p) => p.phase === 'san-snapshot-remove')?.status).toBe('done');
    expect((await readVmDiskGuard(session, { type: 'VirtualMachine', value: unseen.vm!.moref })).snapshots).toEqual([]);

    const outcome = await job({ ...input, jobId: 'san-full', placement: { name: 'demo-over-san', datastore: san.name, encryption: 'keep' } }, 'slot', { 'labvddk.visibleLuns': san.lun! });
    expect(outcome.errors).toEqual([]);
    expect(outcome.disks.every((d) => d.transportUsed === 'san' && d.verify?.ok)).toBe(true);
    expect(outcome.phases.find((p) => p.phase === 'san-snapshot')).toMatchObject({ status: 'done', detail: expect.stringMatching(/took the restore snapshot/) });
    expect(outcome.phases.find((p) => p.phase === 'san-snapshot-remove')).toMatchObject({ status: 'done', detail: expect.stringMatching(/reverted/) });
    expect((await readVmDiskGuard(session, { type: 'VirtualMachine', value: outcome.vm!.moref })).snapshots).toEqual([]);
    const { config } = await fetchVmConfigInfo(session, { type: 'VirtualMachine', value: outcome.vm!.moref });
    expect(config.disks.every((d) => d.fileName.startsWith(`[${san.name}]`))).toBe(true);
  });

  it('XPORT-SAN-EXISTING-SNAPSHOTS: a SAN disk restore into a VM with snapshots is refused before any write; the snapshot stays', async () => {
    const vm = await vmNamed(`${lab.info.bulkVmPrefix}0001`);
    const point = await pointOfLabVm(session, join(dir, 'repo-snap'), vm.ref);
    await createSnapshot(session, vm.ref, 'before patching');
    const outcome = await job({ jobId: 'san-snapshots', kind: 'disks', manifest: point.manifest, point, plan: planOver(point, lab.info, 'san', 'disks'), existingVm: { moref: vm.ref.value, name: vm.name } }, 'key');
    expect(outcome.ok).toBe(false);
    expect(outcome.errors.join(' ')).toMatch(/XPORT-SAN-EXISTING-SNAPSHOTS/);
    expect(outcome.phases.find((p) => p.phase === 'write-disks')?.status).toBe('pending');
    expect((await readVmDiskGuard(session, vm.ref)).snapshots.map((s) => s.name)).toEqual(['before patching']);
  });

  it('DATA-TARGET-POWERED-ON: a disk restore into a running VM is refused before anything changes; the explicit power-off step restores it', async () => {
    const vm = await vmNamed(`${lab.info.bulkVmPrefix}0002`);
    const point = await pointOfLabVm(session, join(dir, 'repo-power'), vm.ref);
    await powerOnVm(session, vm.ref);
    const input = { kind: 'disks' as const, manifest: point.manifest, point, plan: planOver(point, lab.info, 'nbdssl', 'disks'), existingVm: { moref: vm.ref.value, name: vm.name } };
    const refused = await job({ ...input, jobId: 'power-refused' }, 'key');
    expect(refused.ok).toBe(false);
    expect(refused.errors.join(' ')).toMatch(/powered on.*DATA-TARGET-POWERED-ON/);
    expect(refused.phases.filter((p) => ['prepare-access', 'cbt-off', 'write-disks'].includes(p.phase)).map((p) => p.status)).toEqual(['pending', 'pending', 'pending']);
    expect((await readVmDiskGuard(session, vm.ref)).powerState).toBe('poweredOn');

    const restored = await job({ ...input, jobId: 'power-off-first', powerOffTarget: true }, 'key');
    expect(restored.errors).toEqual([]);
    expect(restored.disks.every((d) => d.verify?.ok)).toBe(true);
    expect((await readVmDiskGuard(session, vm.ref)).powerState).toBe('poweredOff');
  });

  it('live facts: the SAN datastore\'s LUN from its extents, the target VM\'s power state and snapshots, free space never negative', async () => {
    const vm = await vmNamed(`${lab.info.bulkVmPrefix}0003`);
    const point = await pointOfLabVm(session, join(dir, 'repo-facts'), vm.ref);
    await powerOnVm(session, vm.ref);
    await createSnapshot(session, vm.ref, 'nightly');
    const san = lab.info.datastores.find((d) => d.lun)!;
    const scenario = await gatherLiveScenario({
      environment: { workstation: { isVirtualMachine: false }, os: { platform: 'linux' } } as unknown as EnvironmentFacts,
      session,
      inventory: await fetchInventory(session),
      server: '127.0.0.1',
      manifest: point.manifest,
      datastore: san.name,
      transport: 'auto',
      restoreKind: 'disks',
      host: 'DC0_H0',
      intoVm: vm.name,
      visibleLuns: async () => [san.lun!],
    });
    const parsed = parseScenario(scenario);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.scenario.target.datastore).toMatchObject({ name: san.name, type: 'VMFS', lun: san.lun });
    expect(parsed.scenario.target.datastore.freeBytes).toBeGreaterThan(0);
    expect(parsed.scenario.options.intoVm).toMatchObject({ name: vm.name, poweredOn: true, snapshots: 1 });
    expect(parsed.scenario.options.intoVm?.disks).toHaveLength(1);
    // The standalone host: its networks (not the cluster-only one), the uplink port group marked.
    expect(parsed.scenario.target.host.networks).toEqual(expect.arrayContaining([{ name: 'VM Network', uplink: false }, { name: expect.stringMatching(/-DVUplinks/), uplink: true }]));
    expect(parsed.scenario.target.host.networks.map((n) => n.name)).not.toContain('lab-cluster-net');
    expect(parsed.scenario.target.host.supportedHardwareVersions.at(-1)).toBe('vmx-21');
  });

  it('dcPath: a VM restored into the datacenter inside a folder gets its NVRAM through that datacenter\'s inventory path', async () => {
    const repo = await Repository.init(new LocalFolderBackend(join(dir, 'dr-repo')), 'pw', { kdf: TEST_KDF });
    const point = await repo.openPoint((await writeDemoPoint(repo)).id);
    const nvram = (await point.readNvram())!.data;
    const outcome = await job(
      { jobId: 'dr-site', kind: 'full-vm', manifest: point.manifest, point, plan: planOver(point, lab.info, 'nbdssl', 'full-vm'), placement: { name: 'demo-at-dr', datastore: 'lab-dr-ds', encryption: 'keep', hardwareVersion: 'vmx-18' } },
      'slot',
    );
    expect(outcome.errors).toEqual([]);
    const vm = { type: 'VirtualMachine', value: outcome.vm!.moref };
    const inv = await fetchInventory(session);
    const dr = inv.datacenters.find((d) => d.name === 'DR1')!;
    expect((await retrieveOne(session, vm, ['parent']))?.props.parent).toMatchObject({ value: dr.vmFolder!.value });
    const { config } = await fetchVmConfigInfo(session, vm);
    const file = nvramFileOf('lab-dr/DR1', config);
    expect(file.datastore).toBe('lab-dr-ds');
    expect((await downloadDatastoreFileBytes(session, file)).equals(nvram)).toBe(true);
    // The bare name does not address a datacenter inside a folder.
    await expect(downloadDatastoreFileBytes(session, { ...file, datacenter: 'DR1' })).rejects.toThrow(/does not exist/);
  });

  const demoPoint = async (name: string) => {
    const repo = await Repository.init(new LocalFolderBackend(join(dir, name)), 'pw', { kdf: TEST_KDF });
    return repo.openPoint((await writeDemoPoint(repo)).id);
  };

  it('DATA-HW-VERSION: the older site\'s host reports the versions it supports and refuses a newer one; lowering it restores', async () => {
    const point = await demoPoint('hw-repo');
    expect((point.manifest.configInfo as { version?: string }).version).toBe('vmx-19');
    const scenario = await gatherLiveScenario({
      environment: { workstation: { isVirtualMachine: false }, os: { platform: 'linux' } } as unknown as EnvironmentFacts,
      session,
      inventory: await fetchInventory(session),
      server: '127.0.0.1',
      manifest: point.manifest,
      datastore: 'lab-dr-ds',
      transport: 'nbdssl',
      restoreKind: 'full-vm',
      hardwareVersion: 'vmx-18',
      visibleLuns: async () => [],
    });
    const parsed = parseScenario(scenario);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.scenario.restorePoint.vm.hardwareVersion).toBe('vmx-19');
    expect(parsed.scenario.target.host.esxiVersion).toBe('7.0.1');
    expect(parsed.scenario.target.host.supportedHardwareVersions.at(-1)).toBe('vmx-18');
    expect(parsed.scenario.target.host.supportedHardwareVersions).not.toContain('vmx-19');
    expect(parsed.scenario.options.hardwareVersion).toBe('vmx-18');

    const plan = planOver(point, lab.info, 'nbdssl', 'full-vm');
    const placement = { name: 'demo-hw', datastore: 'lab-dr-ds', encryption: 'keep' as const };
    const refused = await job({ jobId: 'hw-refused', kind: 'full-vm', manifest: point.manifest, point, plan, placement }, 'slot');
    expect(refused.errors.join(' ')).toMatch(/hardware version vmx-19 is not supported/);
    const lowered = await job({ jobId: 'hw-lowered', kind: 'full-vm', manifest: point.manifest, point, plan, placement: { ...placement, name: 'demo-hw-18', hardwareVersion: 'vmx-18' } }, 'slot');
    expect(lowered.errors).toEqual([]);
    expect((await fetchVmConfigInfo(session, { type: 'VirtualMachine', value: lowered.vm!.moref })).config.hardwareVersion).toBe('vmx-18');
  });

  it('DATA-HW-VERSION (guest OS): the older host does not know a vSphere 8 guest id; the plan blocks and CreateVM is refused', async () => {
    const point = await demoPoint('guest-repo');
    // A VM saved on vSphere 8 as Windows Server 2025 (windows2022srvNext_64Guest).
    const manifest = { ...point.manifest, configInfo: { ...(point.manifest.configInfo as object), guestId: 'windows2022srvNext_64Guest' } };
    const facts = async (datastore: string) => {
      const parsed = parseScenario(
        await gatherLiveScenario({
          environment: { workstation: { isVirtualMachine: false }, os: { platform: 'linux' } } as unknown as EnvironmentFacts,
          session,
          inventory: await fetchInventory(session),
          server: '127.0.0.1',
          manifest,
          datastore,
          transport: 'nbdssl',
          restoreKind: 'full-vm',
          hardwareVersion: 'vmx-18',
          visibleLuns: async () => [],
        }),
      );
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      return parsed.scenario;
    };
    const dr = await facts('lab-dr-ds');
    expect(dr.restorePoint.vm.guestId).toBe('windows2022srvNext_64Guest');
    expect(dr.target.host.supportedGuestIds.length).toBeGreaterThan(50);
    expect(dr.target.host.supportedGuestIds).not.toContain('windows2022srvNext_64Guest');
    const blocked = planRestore(dr).findings.find((f) => f.rule === 'DATA-HW-VERSION');
    expect(blocked).toMatchObject({ severity: 'block', message: expect.stringMatching(/guest OS .*windows2022srvNext_64Guest/) });
    // The same VM fits DC0's ESXi 8.0.2 hosts.
    const dc0 = await facts(lab.info.datastores[0]!.name);
    expect(dc0.target.host.supportedGuestIds).toContain('windows2022srvNext_64Guest');
    expect(planRestore(dc0).findings.some((f) => f.rule === 'DATA-HW-VERSION' && /guest OS/.test(f.message))).toBe(false);
    // The lab refuses it as ESXi does (UnsupportedGuest), before anything is created.
    const plan = planOver(point, lab.info, 'nbdssl', 'full-vm');
    const refused = await job({ jobId: 'guest-refused', kind: 'full-vm', manifest, point, plan, placement: { name: 'demo-guest', datastore: 'lab-dr-ds', encryption: 'keep', hardwareVersion: 'vmx-18' } }, 'slot');
    expect(refused.errors.join(' ')).toMatch(/windows2022srvNext_64Guest.* is not supported/);
    expect((await listVms(session)).some((v) => v.name === 'demo-guest')).toBe(false);
  });

  it('DATA-NETWORK-MAP (lab): CreateVM with a NIC on an uplink port group or on a network the host lacks fails', async () => {
    const inv = await fetchInventory(session);
    const dc = inv.datacenters.find((d) => d.name === lab.info.datacenter)!;
    const host = inv.hosts.find((h) => h.name === 'DC0_H0')!;
    const compute = inv.computeResources.find((c) => c.hosts.some((h) => h.value === host.ref.value))!;
    const uplink = inv.networks.find((n) => n.uplink)!;
    const clusterOnly = inv.networks.find((n) => n.name === 'lab-cluster-net')!;
    expect(host.networks.some((r) => r.value === clusterOnly.ref.value)).toBe(false);
    const nicOn = (backing: VimObject): VimObject => ({
      $type: 'VirtualMachineConfigSpec',
      name: `nic-${String(backing.$type)}`,
      files: { $type: 'VirtualMachineFileInfo', vmPathName: '[LocalDS_0]' },
      deviceChange: [{ $type: 'VirtualDeviceConfigSpec', operation: 'add', device: { $type: 'VirtualVmxnet3', key: -1, backing } }],
    });
    const place = { folder: dc.vmFolder!, resourcePool: compute.rootPool!, host: host.ref };
    await expect(
      createVm(session, place, nicOn({ $type: 'VirtualEthernetCardDistributedVirtualPortBackingInfo', port: { $type: 'DistributedVirtualSwitchPortConnection', portgroupKey: uplink.portgroupKey, switchUuid: uplink.switchUuid } })),
    ).rejects.toThrow(/uplink port group/);
    await expect(createVm(session, place, nicOn({ $type: 'VirtualEthernetCardNetworkBackingInfo', deviceName: clusterOnly.name, network: clusterOnly.ref }))).rejects.toThrow(/not available on the target host/);
  });

  it('DATA-NETWORK-MAP: a NIC whose network the chosen host lacks goes to a usable network of that host, never an uplink; a map to an uplink is refused', async () => {
    const vm = await vmNamed(`${lab.info.bulkVmPrefix}0000`);
    const point = await pointOfLabVm(session, join(dir, 'repo-nic'), vm.ref, 'lab-cluster-net');
    const plan = planOver(point, lab.info, 'nbdssl', 'full-vm');
    const placement = { name: 'nic-moved', datastore: 'LocalDS_0', host: 'DC0_H0', encryption: 'keep' as const };
    const moved = await job({ jobId: 'nic-moved', kind: 'full-vm', manifest: point.manifest, point, plan, placement }, 'slot');
    expect(moved.errors).toEqual([]);
    const { config } = await fetchVmConfigInfo(session, { type: 'VirtualMachine', value: moved.vm!.moref });
    const inv = await fetchInventory(session);
    const host = inv.hosts.find((h) => h.name === 'DC0_H0')!;
    const usable = inv.networks.filter((n) => host.networks.some((r) => r.value === n.ref.value) && !n.uplink);
    expect(config.nics).toHaveLength(1);
    expect(usable.some((n) => n.name === config.nics[0]!.sourceNetwork || n.portgroupKey === config.nics[0]!.sourceNetwork)).toBe(true);

    const uplink = inv.networks.find((n) => n.uplink)!;
    const refused = await job(
      { jobId: 'nic-uplink', kind: 'full-vm', manifest: point.manifest, point, plan, placement: { ...placement, name: 'nic-uplink', networkMap: { 'lab-cluster-net': uplink.name } } },
      'slot',
    );
    expect(refused.errors.join(' ')).toMatch(/uplink port group.*DATA-NETWORK-MAP/);
    expect(refused.vm).toBeNull();
  });

  it('resume: the new VM carries the job marker and an instance UUID the job records; a moref reused by another VM is refused, nothing written', async () => {
    const repo = await Repository.init(new LocalFolderBackend(join(dir, 'marker-repo')), 'pw', { kdf: TEST_KDF });
    const point = await repo.openPoint((await writeDemoPoint(repo)).id);
    const input = { kind: 'full-vm' as const, manifest: point.manifest, point, plan: planOver(point, lab.info, 'nbdssl', 'full-vm') };
    const done = await job({ ...input, jobId: 'marker-job', placement: { name: 'demo-marked', datastore: lab.info.datastores[0]!.name, encryption: 'keep' } }, 'slot');
    expect(done.errors).toEqual([]);
    const checkpoint = await RestoreCheckpointFile.load(join(dir, 'home'), 'marker-job');
    expect(checkpoint.data.vmIdentity?.instanceUuid).toMatch(/[0-9a-f-]{36}/);
    expect(checkpoint.data.vmIdentity?.disks.length).toBeGreaterThan(0);
    const vddk = await labVddk(lab.info, dir);
    const target = new VsphereRestoreTarget({ session, vddk, connect: vddkConnect(lab.info), description: 'lab vcenter', diskMatch: { by: 'key' } });
    try {
      // The marker survives in vCenter's extraConfig, so a crash during creation is recognisable.
      expect(await target.findVmByMarker('demo-marked', 'marker-job')).toEqual({ moref: done.vm!.moref, name: 'demo-marked' });
      expect(await target.findVmByMarker('demo-marked', 'another-job')).toBeNull();
      // As after a server restart: the recorded moref now names another VM.
      const other = await vmNamed(`${lab.info.bulkVmPrefix}0002`);
      const before = (await fetchVmConfigInfo(session, other.ref)).config;
      await checkpoint.update({ vm: { moref: other.ref.value, name: 'demo-marked' }, phases: checkpoint.data.phases.map((p) => ({ ...p, status: 'pending' as const })) as never });
      const resumed = await runRestoreJob(
        { ...input, openPointDisk: async (key) => point.disk(key), nvram: async () => null, identity: 'Lifeboat marker-job', jobId: 'marker-job', placement: { name: 'demo-marked', datastore: lab.info.datastores[0]!.name, encryption: 'keep' } },
        { target, checkpoint: await RestoreCheckpointFile.load(join(dir, 'home'), 'marker-job') },
      );
      expect(resumed.ok).toBe(false);
      expect(resumed.errors[0]).toMatch(/cannot resume: .*nothing was written/);
      const after = (await fetchVmConfigInfo(session, other.ref)).config;
      expect(after.changeTrackingEnabled).toBe(before.changeTrackingEnabled);
      expect(resumed.phases.find((p) => p.phase === 'write-disks')?.status).toBe('pending');
    } finally {
      await vddk.close();
    }
  });
});
