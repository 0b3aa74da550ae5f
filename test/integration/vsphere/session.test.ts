import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { VimFault } from '../../../electron/vsphere/vim-fault';
import { CertificateChangedError, ServerNameResolutionError } from '../../../electron/vsphere/certificate-errors';
import { probeCertificate } from '../../../electron/vsphere/pinned-tls';
import { keyIsAvailable, listKeyProviders } from '../../../electron/vsphere/key-providers';
import { LAB_CRYPTO } from '../../../electron/lab/lab-info';
import { fetchInventory, isManagedHostDirectConnection } from '../../../electron/vsphere/inventory';
import { startVcsim, type RunningLab as VcsimHandle } from '../../../electron/lab/vcsim-process';

for (const mode of ['vcenter', 'esxi'] as const) {
  describe(`vim25 session against vcsim (${mode})`, () => {
    let lab: VcsimHandle;
    beforeAll(async () => {
      lab = await startVcsim({ mode });
    });
    afterAll(async () => {
      await lab?.stop();
    });

    it('logs in with the right password and reports the server kind', async () => {
      const s = await VimSession.connect({
        url: lab.info.url,
        username: lab.info.username,
        password: async () => lab.info.password,
        trustedSha256: lab.info.thumbprintSha256,
      });
      expect(s.userName).toBe(lab.info.username);
      expect(s.isHostAgent).toBe(mode === 'esxi');
      const inv = await fetchInventory(s);
      expect(inv.datacenters.length).toBeGreaterThan(0);
      expect(inv.hosts.length).toBeGreaterThan(0);
      expect(inv.datastores.length).toBeGreaterThan(0);
      expect(inv.hosts[0]!.version).not.toBe('');
      expect(isManagedHostDirectConnection(s.serviceContent.about.apiType, inv.hosts)).toBe(false);
      expect(inv.datastores.map((d) => d.type).sort()).toEqual(lab.info.datastores.map((d) => d.type).sort());
      expect(inv.datastores.every((d) => d.capacityBytes > 0 && d.freeBytes <= d.capacityBytes && d.url !== '')).toBe(true);
      expect(inv.networks.some((n) => n.name === 'VM Network')).toBe(true);
      expect(inv.resourcePools.length).toBeGreaterThan(0);
      expect(inv.folders.some((f) => f.childType.includes('VirtualMachine'))).toBe(true);
      expect(inv.hosts.every((h) => h.connectionState === 'connected')).toBe(true);
      if (mode === 'vcenter') expect(inv.computeResources.some((c) => c.isCluster)).toBe(true);
      const providers = await listKeyProviders(s);
      expect(providers.map((p) => p.id)).toEqual(lab.info.keyProviders);
      expect(await keyIsAvailable(s, LAB_CRYPTO.keyId, LAB_CRYPTO.keyProvider)).toBe(mode === 'vcenter');
      expect(await keyIsAvailable(s, 'no-such-key', LAB_CRYPTO.keyProvider)).toBe(false);
      await s.close();
    });

    it('refuses a wrong password with a clear message', async () => {
      const err = await VimSession.connect({
        url: lab.info.url,
        username: lab.info.username,
        password: async () => 'not-the-password',
        trustedSha256: lab.info.thumbprintSha256,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VimFault);
      expect((err as VimFault).faultType).toBe('InvalidLogin');
      expect((err as Error).message).toMatch(/wrong user name or password for 127\.0\.0\.1:\d+/);
    });

    it('refuses a certificate that differs from the trusted one before sending the password', async () => {
      let asked = false;
      const err = await VimSession.connect({
        url: lab.info.url,
        username: lab.info.username,
        password: async () => {
          asked = true;
          return lab.info.password;
        },
        trustedSha256: 'AA:'.repeat(31) + 'AA',
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CertificateChangedError);
      expect((err as Error).message).toMatch(/possible interception/);
      expect(asked).toBe(false);
    });
  });
}

describe('CONN-HOST-MANAGED and CONN-DNS against real peers', () => {
  let lab: VcsimHandle;
  beforeAll(async () => {
    lab = await startVcsim({ mode: 'esxi', managed: true, managementServerIp: '10.20.30.40' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('flags a direct connection to an ESXi host that a vCenter manages', async () => {
    const s = await VimSession.connect({ url: lab.info.url, username: lab.info.username, password: async () => lab.info.password, trustedSha256: lab.info.thumbprintSha256 });
    const inv = await fetchInventory(s);
    expect(inv.hosts[0]!.managementServerIp).toBe('10.20.30.40');
    expect(isManagedHostDirectConnection(s.serviceContent.about.apiType, inv.hosts)).toBe(true);
    await s.close();
  });

  it('reports a name that does not resolve as CONN-DNS', async () => {
    const err = await probeCertificate({ host: 'no-such-vcenter.invalid', port: 443 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerNameResolutionError);
    expect((err as ServerNameResolutionError).rule).toBe('CONN-DNS');
    const viaSession = await VimSession.connect({ url: 'no-such-vcenter.invalid', username: 'u', password: async () => 'p', trustedSha256: lab.info.thumbprintSha256 }).catch((e: unknown) => e);
    expect(viaSession).toBeInstanceOf(ServerNameResolutionError);
  });
});
