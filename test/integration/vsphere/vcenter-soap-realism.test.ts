import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CRYPTO, LAB_VMS } from '../../../electron/lab/lab-info';
import { generateKey, keyIsAvailable } from '../../../electron/vsphere/key-providers';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { fetchInventory, listVms } from '../../../electron/vsphere/inventory';
import { associatedPolicies, listStoragePolicies } from '../../../electron/vsphere/storage-policies';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { createVm, reconfigureVm } from '../../../electron/vsphere/vm-operations';
import { buildConfigSpec } from '../../../electron/vsphere/config-spec-builder';
import type { VimObject } from '../../../electron/vsphere/vim-types';
import { postSoap } from '../lab/soap-probe';

/**
 * What a real vCenter insists on at the SOAP level, as the lab now does:
 * WSDL element order, a quoted session cookie with PBM reading the bare id
 * from the vcSessionCookie header, and a response element for void methods.
 */
describe('SOAP realism against the lab (vcenter)', () => {
  let lab: RunningLab;
  let session: VimSession;
  beforeAll(async () => {
    lab = await startVcsim({ mode: 'vcenter', vms: 0 });
    session = await VimSession.connect({ url: lab.info.url, username: lab.info.username, password: async () => lab.info.password, trustedSha256: lab.info.thumbprintSha256 });
  }, 240_000);
  afterAll(async () => {
    await session?.close();
    await lab?.stop();
  });

  it('refuses a data object whose elements are out of WSDL order, as vCenter does', async () => {
    const url = lab.info.url;
    const content = await postSoap(url, '<RetrieveServiceContent><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>');
    expect(content.status).toBe(200);
    // PropertySpec is (type, all, pathSet): pathSet before type is refused before any login check.
    const reply = await postSoap(
      url,
      '<RetrievePropertiesEx><_this type="PropertyCollector">propertyCollector</_this><specSet>' +
        '<propSet><pathSet>name</pathSet><type>VirtualMachine</type></propSet>' +
        '<objectSet><obj type="Folder">group-d1</obj></objectSet></specSet><options></options></RetrievePropertiesEx>',
    );
    expect(reply.status).toBe(500);
    expect(reply.body).toContain('InvalidRequest');
    expect(reply.body).toMatch(/Unexpected element tag &#34;type&#34; seen|Unexpected element tag "type" seen/);
  });

  it('the engine sends every ConfigSpec in WSDL order, whatever order the caller built it in', async () => {
    const vm = (await listVms(session)).find((v) => v.name === LAB_VMS.thinThick)!.ref;
    // numCPUs comes before memoryMB, and both long before changeTrackingEnabled, in the WSDL.
    await reconfigureVm(session, vm, { changeTrackingEnabled: false, memoryMB: 1024, numCPUs: 1 });
    const { config } = await fetchVmConfigInfo(session, vm);
    expect(config.numCPUs).toBe(1);
    expect(config.memoryMB).toBe(1024);
  });

  it('hands out the session cookie quoted, as vCenter does', async () => {
    const reply = await postSoap(lab.info.url, '<RetrieveServiceContent><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>');
    expect(reply.status).toBe(200);
    const login = await postSoap(
      lab.info.url,
      `<Login><_this type="SessionManager">SessionManager</_this><userName>${lab.info.username}</userName><password>${lab.info.password}</password></Login>`,
    );
    expect(login.status).toBe(200);
    expect(login.cookie).toMatch(/^vmware_soap_session="[0-9a-f-]+"$/);
  });

  it('storage policies are read with the bare session id in vcSessionCookie', async () => {
    const policies = await listStoragePolicies(session);
    expect(policies.map((p) => p.name).sort()).toEqual([...lab.info.storagePolicies].sort());
    const encrypted = (await listVms(session)).find((v) => v.name === LAB_VMS.encrypted)!.ref;
    expect(await associatedPolicies(session, encrypted)).toEqual([policies.find((p) => p.name === 'VM Encryption Policy')!.id]);
  });

  it('PBM ignores the HTTP cookie: without the vcSessionCookie header a call is not authenticated', async () => {
    const login = await postSoap(
      lab.info.url,
      `<Login><_this type="SessionManager">SessionManager</_this><userName>${lab.info.username}</userName><password>${lab.info.password}</password></Login>`,
    );
    const pbmUrl = lab.info.url.replace(/\/sdk$/, '/pbm');
    const content = await postSoap(pbmUrl, '<PbmRetrieveServiceContent xmlns="urn:pbm"><_this type="PbmServiceInstance">ServiceInstance</_this></PbmRetrieveServiceContent>', login.cookie);
    const manager = /<profileManager type="PbmProfileProfileManager">([^<]+)</.exec(content.body)?.[1];
    expect(manager).toBeTruthy();
    const query = await postSoap(
      pbmUrl,
      `<PbmQueryProfile xmlns="urn:pbm"><_this type="PbmProfileProfileManager">${manager}</_this>` +
        '<resourceType><resourceType>STORAGE</resourceType></resourceType></PbmQueryProfile>',
      login.cookie,
    );
    expect(query.status).toBe(500);
    expect(query.body).toContain('NotAuthenticated');
  });

  it('a method that returns nothing (RefreshDatastore) answers without a return value', async () => {
    const ds = (await fetchInventory(session)).datastores[0]!;
    await expect(session.call('RefreshDatastore', { _this: ds.ref })).resolves.toBeUndefined();
  });

  it('refuses encryption without an encryption storage policy, and a vTPM without EFI or an encrypted home, as vCenter does', async () => {
    const inv = await fetchInventory(session);
    const source = (await listVms(session)).find((v) => v.name === LAB_VMS.encrypted)!;
    const { raw } = await fetchVmConfigInfo(session, source.ref);
    const encryption = (await listStoragePolicies(session)).find((p) => p.name === 'VM Encryption Policy')!.id;
    const ds = inv.datastores[0]!;
    const network = inv.networks.find((n) => !n.portgroupKey)!;
    const place = { folder: inv.datacenters[0]!.vmFolder!, resourcePool: inv.computeResources[0]!.rootPool! };
    const build = (name: string, storageProfileId?: string) =>
      buildConfigSpec(raw, { name, datastoreName: ds.name, datastore: ds.ref, networkMapping: {}, defaultNetwork: { kind: 'standard', name: network.name, ref: network.ref }, storageProfileId }).spec;
    const refusal = (spec: VimObject) => createVm(session, place, spec).then(() => 'created', (e: Error) => e.message);

    expect(await refusal(build('no-policy'))).toMatch(/spec\.crypto/);
    const diskWithoutProfile = build('disk-no-profile', encryption);
    for (const change of diskWithoutProfile.deviceChange as VimObject[]) delete change.profile;
    expect(await refusal(diskWithoutProfile)).toMatch(/spec\.disk\.backing\.crypto/);
    const bios = { ...build('tpm-bios', encryption), firmware: 'bios' };
    expect(await refusal(bios)).toMatch(/spec\.firmware/);
    expect(await refusal(build('with-policy', encryption))).toBe('created');
  });

  it('ListKeys reports only the keys the key provider holds', async () => {
    expect(await keyIsAvailable(session, LAB_CRYPTO.keyId, LAB_CRYPTO.keyProvider)).toBe(true);
    expect(await keyIsAvailable(session, 'DEMO-KEY-0001', 'demo-kms')).toBe(false);
    expect(await keyIsAvailable(session, LAB_CRYPTO.keyId, 'demo-kms')).toBe(false);
    const fresh = await generateKey(session, LAB_CRYPTO.keyProvider);
    expect(await keyIsAvailable(session, fresh.keyId, LAB_CRYPTO.keyProvider)).toBe(true);
  });
});
