import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CRYPTO, LAB_VMS } from '../../../electron/lab/lab-info';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { buildConfigSpec, newDiskChange } from '../../../electron/vsphere/config-spec-builder';
import { fetchInventory, listVms } from '../../../electron/vsphere/inventory';
import { VimSession } from '../../../electron/vsphere/vim-session';
import type { VimObject } from '../../../electron/vsphere/vim-types';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { addDevices, createVm, reconfigureVm } from '../../../electron/vsphere/vm-operations';

/**
 * A standalone ESXi host has no key provider (vSphere documents one as the
 * prerequisite of a vTPM and of VM encryption): it is not crypto safe and
 * fetches no key, so it refuses to create or reconfigure a VM with a vTPM or
 * with encryption that needs a key it does not hold. The lab in esxi mode
 * refuses the same; a VM already encrypted on the host keeps working with its own key.
 */
describe('a standalone ESXi host without a key provider (lab esxi mode)', () => {
  let lab: RunningLab;
  let session: VimSession;
  beforeAll(async () => {
    lab = await startVcsim({ mode: 'esxi', vms: 0 });
    session = await VimSession.connect({ url: lab.info.url, username: lab.info.username, password: async () => lab.info.password, trustedSha256: lab.info.thumbprintSha256 });
  }, 240_000);
  afterAll(async () => {
    await session?.close();
    await lab?.stop();
  });

  async function setup() {
    const inv = await fetchInventory(session);
    const ds = inv.datastores.find((d) => d.name === 'LocalDS_0')!;
    const network = inv.networks.find((n) => !n.portgroupKey)!;
    const place = { folder: inv.datacenters[0]!.vmFolder!, resourcePool: inv.computeResources[0]!.rootPool! };
    const vms = await listVms(session);
    const build = async (vmName: string, name: string, encryption: 'same-key' | 'unencrypted') => {
      const { raw } = await fetchVmConfigInfo(session, vms.find((v) => v.name === vmName)!.ref);
      return buildConfigSpec(raw, { name, datastoreName: ds.name, datastore: ds.ref, networkMapping: {}, defaultNetwork: { kind: 'standard', name: network.name, ref: network.ref }, encryption: { mode: encryption } }).spec;
    };
    const outcome = (p: Promise<unknown>) => p.then(() => 'done', (e: Error) => e.message);
    return { ds, place, vms, build, outcome };
  }

  it('refuses CreateVM with an encrypted home, an encrypted disk or a vTPM; creates the same VM unencrypted', async () => {
    const { place, build, outcome } = await setup();
    expect(lab.info.keyProviders).toEqual([]);
    // The encrypted vTPM VM as saved (keep the keys): encrypted home, encrypted disk, vTPM.
    expect(await outcome(createVm(session, place, await build(LAB_VMS.encrypted, 'keep-encrypted', 'same-key')))).toMatch(/spec\.crypto/);
    // The vTPM-only VM (encrypted home, plain disk).
    expect(await outcome(createVm(session, place, await build(LAB_VMS.efiVtpm, 'keep-vtpm', 'same-key')))).toMatch(/spec\.crypto/);
    // A vTPM added to a VM created unencrypted.
    const plainSpec = await build(LAB_VMS.efiVtpm, 'plain-then-vtpm', 'unencrypted');
    expect((plainSpec.deviceChange as VimObject[]).some((c) => (c.device as VimObject).$type === 'VirtualTPM')).toBe(false);
    const plain = await createVm(session, place, plainSpec);
    const { config } = await fetchVmConfigInfo(session, plain);
    expect(config.hasVtpm).toBe(false);
    expect(config.keyId).toBeUndefined();
    const addTpm = { $type: 'VirtualMachineConfigSpec', deviceChange: [{ $type: 'VirtualDeviceConfigSpec', operation: 'add', device: { $type: 'VirtualTPM', key: -500 } }] };
    expect(await outcome(reconfigureVm(session, plain, addTpm))).toMatch(/spec\.crypto/);
  });

  it('adds a disk to a VM already encrypted on the host with the VM\'s own key, but not with another key', async () => {
    const { ds, vms, outcome } = await setup();
    const encrypted = vms.find((v) => v.name === LAB_VMS.encrypted)!.ref;
    const { config } = await fetchVmConfigInfo(session, encrypted);
    const first = config.disks[0]!;
    const used = new Set(config.disks.filter((d) => d.controllerKey === first.controllerKey).map((d) => d.unitNumber));
    const [unitA, unitB] = [1, 2, 3, 4, 5, 6, 8].filter((u) => !used.has(u));
    const disk = (unit: number, key: { keyId: string; providerId: string }) =>
      newDiskChange({ controllerKey: first.controllerKey, unitNumber: unit, capacityBytes: 4 * 1024 * 1024, datastoreName: ds.name, datastore: ds.ref, provisioning: 'thin', key });
    expect(await outcome(addDevices(session, encrypted, [disk(unitA!, { keyId: 'another-key', providerId: LAB_CRYPTO.keyProvider })]))).toMatch(/spec\.disk\.backing\.crypto/);
    expect(await outcome(addDevices(session, encrypted, [disk(unitB!, { keyId: LAB_CRYPTO.keyId, providerId: LAB_CRYPTO.keyProvider })]))).toBe('done');
  });
});
