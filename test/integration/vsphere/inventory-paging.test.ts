import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { listVmPages } from '../../../electron/vsphere/inventory';
import { startVcsim, type RunningLab as VcsimHandle } from '../../../electron/lab/vcsim-process';

const VM_COUNT = 5000;

for (const mode of ['vcenter', 'esxi'] as const) {
  describe(`inventory paging with ${VM_COUNT} VMs (${mode})`, () => {
    let lab: VcsimHandle;
    let session: VimSession;
    beforeAll(async () => {
      lab = await startVcsim({ mode, vms: VM_COUNT });
      session = await VimSession.connect({
        url: lab.info.url,
        username: lab.info.username,
        password: async () => lab.info.password,
        trustedSha256: lab.info.thumbprintSha256,
      });
    });
    afterAll(async () => {
      await session?.close();
      await lab?.stop();
    });

    it('returns every VM exactly once across RetrievePropertiesEx/ContinueRetrievePropertiesEx pages', async () => {
      const seen = new Map<string, number>();
      const pageSizes: number[] = [];
      for await (const page of listVmPages(session, 700)) {
        pageSizes.push(page.length);
        for (const vm of page) seen.set(vm.ref.value, (seen.get(vm.ref.value) ?? 0) + 1);
        expect(page.every((vm) => vm.name !== '' && vm.powerState !== '')).toBe(true);
      }
      // The lab's property collector pages like vCenter (stock vcsim ignores maxObjects).
      expect(pageSizes.length).toBe(Math.ceil(seen.size / 700));
      expect(pageSizes.slice(0, -1).every((n) => n === 700)).toBe(true);
      expect(pageSizes.reduce((a, b) => a + b, 0)).toBe(seen.size);
      // The lab adds its few special VMs to the bulk ones.
      expect(seen.size).toBe(lab.info.bulkVms + lab.info.vms.length);
      expect(lab.info.bulkVms).toBe(VM_COUNT);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    });
  });
}
