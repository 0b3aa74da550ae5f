import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CRYPTO, type LabInfo } from '../../../electron/lab/lab-info';
import { LAB_SITE_DATASTORES, LAB_SITE_ENCRYPTED_VMS, LAB_SITE_VM_NAMES } from '../../../electron/lab/lab-site-vms';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { fetchInventory, listVms } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { labSession } from '../restore/lab-restore-fixture';
import { flatExtentPath } from '../backup/lab-backup-fixture';

/** FNV-1a of "vm/n": the MBR disk signature the lab gives disk n of a site VM. */
function siteDiskSignature(vm: string, n: number): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(`${vm}/${n}`)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

async function readAt(file: string, offset: number, length: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, offset);
    return buf;
  } finally {
    await fh.close();
  }
}

describe('lab simulator, site mode (--site)', () => {
  let lab: RunningLab;
  let info: LabInfo;
  let session: VimSession;
  beforeAll(async () => {
    lab = await startVcsim({ mode: 'vcenter', vms: 0, site: true });
    info = lab.info;
    session = await labSession(info);
  }, 180_000);
  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lab?.stop();
  });

  it('reports the documented 30 site VMs on 3 cluster hosts and the two site datastores, beside the usual lab', () => {
    expect(info.siteVms.map((v) => v.name)).toEqual([...LAB_SITE_VM_NAMES]);
    expect(info.hosts.filter((h) => h.cluster === 'DC0_C0').map((h) => h.name)).toEqual(['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2']);
    const names = info.datastores.map((d) => d.name);
    expect(names).toEqual(['LocalDS_0', 'lab-nfs', 'lab-vvol', 'lab-san', ...LAB_SITE_DATASTORES, 'lab-dr-ds']);
    for (const name of LAB_SITE_DATASTORES) {
      const ds = info.datastores.find((d) => d.name === name)!;
      expect(ds.type).toBe('VMFS');
      expect(ds.lun).toMatch(/^naa\./);
    }
    // The special VMs are still there: a site lab is the usual lab plus the site.
    expect(info.vms).toContain('lab-encrypted');
  });

  it('spreads the site over every cluster host and both site datastores, as vSphere reports them', async () => {
    const inv = await fetchInventory(session);
    const vms = (await listVms(session)).filter((v) => (LAB_SITE_VM_NAMES as readonly string[]).includes(v.name));
    expect(vms).toHaveLength(30);
    const hostName = new Map(inv.hosts.map((h) => [h.ref.value, h.name]));
    const perHost = countBy(vms, (v) => hostName.get(v.host?.value ?? '') ?? 'none');
    expect([...perHost.keys()].sort()).toEqual(['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2']);
    expect([...perHost.values()]).toEqual([10, 10, 10]);
    for (const v of vms) {
      expect(v.powerState).toBe('poweredOff');
      expect(hostName.get(v.host!.value)).toBe(info.siteVms.find((s) => s.name === v.name)!.host);
    }

    const perDatastore = countBy(info.siteVms, (v) => v.datastore);
    expect([...perDatastore.keys()].sort()).toEqual([...LAB_SITE_DATASTORES]);
    for (const n of perDatastore.values()) expect(n).toBeGreaterThanOrEqual(10);
    // Only the cluster's hosts mount the site datastores (the standalone DC0_H0 does not).
    for (const name of LAB_SITE_DATASTORES) {
      const ds = inv.datastores.find((d) => d.name === name)!;
      const mounting = inv.hosts.filter((h) => h.datastores.some((r) => r.value === ds.ref.value)).map((h) => h.name);
      expect(mounting.sort()).toEqual(['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2']);
    }
  });

  it('makes some VMs EFI + vTPM with an encrypted home and some fully encrypted, as vSphere does', async () => {
    const byKind = countBy(info.siteVms, (v) => v.encryption);
    expect(byKind.get('home')).toBeGreaterThanOrEqual(2);
    expect(byKind.get('full')).toBeGreaterThanOrEqual(2);
    expect(info.siteVms.filter((v) => v.encryption !== 'none').map((v) => v.name)).toEqual([...LAB_SITE_ENCRYPTED_VMS]);
    const vms = await listVms(session);
    for (const site of info.siteVms) {
      const vm = vms.find((v) => v.name === site.name)!;
      const { config } = await fetchVmConfigInfo(session, vm.ref);
      expect(config.disks.map((d) => d.capacityBytes)).toEqual(site.diskMiB.map((m) => m * 1024 * 1024));
      expect(config.disks.every((d) => d.fileName.startsWith(`[${site.datastore}] ${site.name}/`))).toBe(true);
      expect(config.nics.map((n) => n.sourceNetwork)).toEqual(['VM Network']);
      if (site.encryption === 'none') {
        expect(config.keyId).toBeUndefined();
        expect(config.hasVtpm).toBe(false);
        continue;
      }
      expect(config.firmware).toBe('efi');
      expect(config.hasVtpm).toBe(true);
      expect(config.keyId).toEqual({ keyId: LAB_CRYPTO.keyId, providerId: LAB_CRYPTO.keyProvider });
      expect(config.extraConfig.some((o) => o.key === 'encryption.bundle')).toBe(true);
      expect(config.disks.every((d) => d.encrypted)).toBe(site.encryption === 'full');
    }
  });

  it('gives every site disk sparse data a backup reads: an MBR with its own signature and labelled sectors', async () => {
    const sizes = new Set<number>();
    for (const site of info.siteVms) {
      for (const [n, mib] of site.diskMiB.entries()) {
        sizes.add(mib);
        const fileName = `[${site.datastore}] ${site.name}/${site.name}${n === 0 ? '' : `_${n}`}.vmdk`;
        const flat = flatExtentPath(info, fileName);
        const st = await stat(flat);
        expect(st.size).toBe(mib * 1024 * 1024);
        expect(st.blocks * 512).toBeGreaterThan(0);
        expect(st.blocks * 512).toBeLessThan(st.size); // holes left
        const mbr = await readAt(flat, 0, 512);
        expect(mbr.readUInt16BE(510)).toBe(0x55aa);
        expect(mbr.readUInt32LE(0x1b8)).toBe(siteDiskSignature(site.name, n));
        expect(mbr.toString('latin1', 0, 64)).toContain(`LIFEBOAT SITE ${site.name} disk ${n} MBR`);
        const partition = await readAt(flat, 2048 * 512, 512);
        expect(partition.toString('latin1', 0, 64)).toContain(`LIFEBOAT SITE ${site.name} disk ${n} LBA 2048`);
        expect(await readFile(flat.replace(/-flat\.vmdk$/, '.vmdk'), 'utf8')).toContain('ddb.thinProvisioned = "1"');
      }
    }
    expect(Math.min(...sizes)).toBeLessThanOrEqual(8);
    expect(Math.max(...sizes)).toBe(64);
    expect(sizes.size).toBeGreaterThanOrEqual(5);
  });

  it('writes the site into its own datastore folders', async () => {
    const ds = info.datastores.find((d) => d.name === 'site-ds-01')!;
    expect((await stat(join(ds.folder, 'dc01', 'dc01.vmdk'))).isFile()).toBe(true);
  });
});

describe('lab simulator site mode refusals', () => {
  it('refuses --site in esxi mode and with fewer than 3 hosts, saying why', async () => {
    await expect(startVcsim({ mode: 'esxi', site: true })).rejects.toThrow(/--site needs --mode vcenter/);
    await expect(startVcsim({ mode: 'vcenter', hosts: 2, site: true })).rejects.toThrow(/--site needs at least 3 hosts/);
  });
});
