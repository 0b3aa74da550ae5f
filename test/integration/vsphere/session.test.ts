import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { VimFault } from '../../../electron/vsphere/vim-fault';
import { CertificateChangedError } from '../../../electron/vsphere/certificate-errors';
import { fetchInventory, isManagedHostDirectConnection } from '../../../electron/vsphere/inventory';
import { startVcsim, type VcsimHandle } from './vcsim-fixture';

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
      console.log(JSON.stringify(inv.datastores), JSON.stringify(inv.networks), inv.computeResources.length, inv.resourcePools.length, inv.folders.length);
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
