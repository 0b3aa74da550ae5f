import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentFacts } from '../../../electron/api/schemas/environment-schema';
import { planRestore } from '../../../electron/planner/plan-restore';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { gatherLiveScenario } from '../../../electron/restore/live-restore-facts';
import { normaliseLiveFacts } from '../../../electron/restore/live-facts-normalise';
import type { Inventory } from '../../../electron/vsphere/inventory-types';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { MemoryDiskImage, patternBytes } from '../repository/memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from '../repository/repository-fixtures';

const MiB = 1024 * 1024;
const LUN = 'naa.600a0b80005ab0000000000000000001';

/** A standalone ESXi host with one shared VMFS datastore on a SAN LUN, as the inventory reads it. */
function inventory(freeBytes: number): Inventory {
  const host = { type: 'HostSystem', value: 'host-1' };
  const ds = { type: 'Datastore', value: 'ds-1' };
  return {
    datacenters: [{ ref: { type: 'Datacenter', value: 'dc-1' }, name: 'ha-datacenter' }],
    folders: [],
    computeResources: [],
    hosts: [{ ref: host, name: 'esx01', version: '8.0.2', build: '1', connectionState: 'connected', inMaintenanceMode: false, datastores: [ds], networks: [] }],
    datastores: [{ ref: ds, name: 'san-ds', type: 'VMFS', capacityBytes: 1e12, freeBytes, url: '', accessible: true, local: false, extents: [LUN] }],
    networks: [],
    resourcePools: [],
  };
}

const environment = { workstation: { isVirtualMachine: false }, os: { platform: 'linux' } } as unknown as EnvironmentFacts;
// A bare host: no key providers or policies are asked for, no proxy VM is looked up.
const session = { serviceContent: { about: { apiType: 'HostAgent' } } } as unknown as VimSession;

describe('live restore facts', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let point: RestorePoint;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lifeboat-live-facts-'));
    const repo = await Repository.init(new LocalFolderBackend(`${dir}/repo`), 'pw', { kdf: TEST_KDF });
    const writer = repo.beginPoint(pointMeta({ keyId: null, encryptionBundle: null, vtpm: null, storagePolicy: null, skippedIndependentDisks: [] }));
    const img = new MemoryDiskImage(8 * MiB);
    await img.write(MiB, patternBytes(MiB, 3));
    await copyImage(img, writer.addDisk({ ...diskMeta(2000, 8 * MiB), provisioning: 'eagerzeroed' }));
    point = await repo.openPoint((await writer.commit()).manifest.id);
  });
  afterEach(() => cleanup());

  const gather = (freeBytes: number, visibleLuns: string[]) =>
    gatherLiveScenario({
      environment,
      session,
      inventory: inventory(freeBytes),
      server: 'localhost',
      manifest: point.manifest,
      datastore: 'san-ds',
      transport: 'auto',
      restoreKind: 'full-vm',
      visibleLuns: async () => visibleLuns,
    });

  it('XPORT-SAN-NO-LUN: the datastore LUN comes from its VMFS extents, so SAN is chosen when the workstation sees it', async () => {
    const seen = parseScenario(await gather(1e12, [LUN]));
    if (!seen.ok) throw new Error(JSON.stringify(seen.issues));
    expect(seen.scenario.target.datastore.lun).toBe(LUN);
    expect(planRestore(seen.scenario).disks[0]?.transport).toBe('san');

    const unseen = parseScenario(await gather(1e12, ['naa.6000c2900000000000000000000000ff']));
    if (!unseen.ok) throw new Error(JSON.stringify(unseen.issues));
    expect(unseen.scenario.target.datastore.lun).toBe(LUN);
    expect(planRestore(unseen.scenario).disks[0]?.excluded.san).toContain('XPORT-SAN-NO-LUN');
  });

  it('a negative free space from the server is clamped to 0: the plan blocks on space instead of failing to plan', async () => {
    const parsed = parseScenario(await gather(-52428800, [LUN]));
    if (!parsed.ok) throw new Error(`gathered facts do not fit the planner: ${JSON.stringify(parsed.issues)}`);
    expect(parsed.scenario.target.datastore.freeBytes).toBe(0);
    const plan = planRestore(parsed.scenario);
    expect(plan.ok).toBe(false);
    expect(plan.findings.map((f) => f.rule)).toContain('DATA-THICK-SPACE');
  });

  it('the saved hardware version and NIC networks (a distributed port group by name), the host\'s networks with the uplink marked', async () => {
    const repo = await Repository.init(new LocalFolderBackend(`${dir}/repo-nic`), 'pw', { kdf: TEST_KDF });
    const nic = { $type: 'VirtualVmxnet3', key: 4000, backing: { $type: 'VirtualEthernetCardDistributedVirtualPortBackingInfo', port: { switchUuid: 'uu', portgroupKey: 'dvportgroup-13' } } };
    const writer = repo.beginPoint(
      pointMeta({ keyId: null, encryptionBundle: null, vtpm: null, storagePolicy: null, skippedIndependentDisks: [], configInfo: { name: 'web-01', version: 'vmx-19', guestId: 'otherLinux64Guest', hardware: { device: [nic] } } }),
    );
    await copyImage(new MemoryDiskImage(MiB), writer.addDisk(diskMeta(2000, MiB)));
    const manifest = (await writer.commit()).manifest;
    const inv = inventory(1e12);
    const pg = { ref: { type: 'DistributedVirtualPortgroup', value: 'dvportgroup-13' }, name: 'Prod', portgroupKey: 'dvportgroup-13', switchUuid: 'uu', uplink: false };
    const uplink = { ref: { type: 'DistributedVirtualPortgroup', value: 'dvportgroup-9' }, name: 'DVS0-DVUplinks-9', portgroupKey: 'dvportgroup-9', switchUuid: 'uu', uplink: true };
    inv.networks = [pg, uplink];
    inv.hosts[0]!.networks = [pg.ref, uplink.ref];
    const parsed = parseScenario(
      await gatherLiveScenario({ environment, session, inventory: inv, server: 'localhost', manifest, datastore: 'san-ds', transport: 'auto', restoreKind: 'full-vm', networkMap: { Prod: 'Prod' }, visibleLuns: async () => [] }),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.scenario.restorePoint.vm).toMatchObject({ hardwareVersion: 'vmx-19', networks: ['Prod'] });
    expect(parsed.scenario.target.host.networks).toEqual([{ name: 'Prod', uplink: false }, { name: 'DVS0-DVUplinks-9', uplink: true }]);
    expect(parsed.scenario.options.networkMap).toEqual({ Prod: 'Prod' });
  });

  it('normalises injected bad facts into the contract and names each change', () => {
    const { scenario, adjustments } = normaliseLiveFacts({
      target: { host: { esxiVersion: '8.0.2 build-123', supportedHardwareVersions: ['vmx-19', 'bogus'] }, datastore: { name: 'ds', freeBytes: -1.5 } },
      restorePoint: { vm: { hardwareVersion: '21' }, disks: [{ key: 2000, capacityBytes: 1048576.7, allocatedBytes: 9e9 }] },
      options: { intoVm: { name: 'x', snapshots: -1, disks: [{ key: 1, capacityBytes: -5 }] } },
    });
    const parsed = parseScenario(scenario);
    expect(parsed.ok).toBe(true);
    expect(scenario).toMatchObject({
      target: { host: { esxiVersion: '8.0.0', supportedHardwareVersions: ['vmx-19'] }, datastore: { freeBytes: 0 } },
      restorePoint: { vm: { hardwareVersion: null }, disks: [{ capacityBytes: 1048576, allocatedBytes: 1048576 }] },
      options: { intoVm: { snapshots: 0, disks: [{ capacityBytes: 0 }] } },
    });
    expect(adjustments.join('\n')).toMatch(/freeBytes: the server reported -1.5; 0 is used/);
  });
});
