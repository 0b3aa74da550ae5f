import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RecoveryRunResult } from '../../../electron/api/schemas/recovery-schema';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { parseDatastorePath } from '../../../electron/vsphere/datastore-files';
import { listVms } from '../../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { qemuImg } from '../disks/qemu-img';
import { MiB, writeRaw } from '../restore/lab-restore-fixture';
import type { RecoveryLab, SiteVmSpec } from './recovery-lab-fixture';

/** A 10-VM site: 2-disk VMs (10 MiB to write, one disk on each of two SCSI controllers) and 1-disk IDE VMs (5 MiB), so "largest first" shows. */
export const SITE_GROUPS: Array<{ name: string; vms: Array<{ vm: string; from: string }> }> = [
  {
    name: 'identity',
    vms: [
      { vm: 'dns01', from: LAB_VMS.ideDisk },
      { vm: 'dc01', from: LAB_VMS.proxy },
    ],
  },
  {
    name: 'data',
    vms: [
      { vm: 'db03', from: LAB_VMS.ideDisk },
      { vm: 'db01', from: LAB_VMS.proxy },
      { vm: 'db02', from: LAB_VMS.proxy },
    ],
  },
  {
    name: 'apps',
    vms: [
      { vm: 'app03', from: LAB_VMS.ideDisk },
      { vm: 'app01', from: LAB_VMS.proxy },
      { vm: 'app04', from: LAB_VMS.ideDisk },
      { vm: 'app02', from: LAB_VMS.proxy },
      { vm: 'app05', from: LAB_VMS.ideDisk },
    ],
  },
];

export const SITE: SiteVmSpec[] = SITE_GROUPS.flatMap((g) =>
  g.vms.map((v) => ({ name: v.vm, from: v.from, capacityBytes: 16 * MiB })),
);

/** The identity group's delay before the next group (then: delaySeconds). */
export const IDENTITY_DELAY_SECONDS = 1;

/** The plan file of the site, every VM restored as `<prefix>-<vm>`, spread over the lab's cluster, `cap` NBD streams per host. */
export function sitePlanYaml(f: RecoveryLab, prefix: string, cap: number, extra: { stopOnFailure?: string } = {}): string {
  const cluster = f.lab.info.hosts.find((h) => h.cluster)!.cluster!;
  const groups = SITE_GROUPS.map(
    (g) =>
      `  - name: ${g.name}\n` +
      (extra.stopOnFailure === g.name ? '    stopOnFailure: true\n' : '') +
      `    vms:\n${g.vms.map((v) => `      - { vm: ${v.vm}, name: ${prefix}-${v.vm}${g.name === 'identity' ? ', powerOn: true' : ''} }`).join('\n')}\n` +
      // The identity group must be powered on, and a second pass, before the data group starts.
      (g.name === 'identity' ? `    then: { waitFor: powered-on, delaySeconds: ${IDENTITY_DELAY_SECONDS} }\n` : ''),
  ).join('');
  return `name: lab site ${prefix}
repository: repo
connection: lab
defaults:
  datastore: ${f.lab.info.datastores[0]!.name}
  cluster: ${cluster}
  transport: nbdssl
limits:
  nbdStreamsPerHost: ${cap}
groups:
${groups}`;
}

/** A VDDK config for the lab VDDK that counts streams per host into `streamsDir`. */
export async function countingVddkConfig(f: RecoveryLab, name: string): Promise<{ config: string; streamsDir: string }> {
  const streamsDir = join(f.dir, `${name}-host-streams`);
  const stateDir = join(f.dir, `${name}-vddk-state`);
  await mkdir(stateDir, { recursive: true });
  const config = join(f.dir, `${name}.conf`);
  await writeFile(
    config,
    labVddkConfig(f.lab.info, {
      extra: { 'labvddk.stateDir': stateDir, 'labvddk.serverMode': 'vcenter', 'labvddk.hostStreamsDir': streamsDir },
    }),
  );
  return { config, streamsDir };
}

/** Peak disks open for writing per host, as the lab VDDK counted them. */
export async function hostPeaks(streamsDir: string): Promise<Map<string, number>> {
  const peaks = new Map<string, number>();
  for (const file of (await readdir(streamsDir)).filter((n) => n.endsWith('.streams'))) {
    const text = await readFile(join(streamsDir, file), 'utf8');
    peaks.set(file.slice(0, -'.streams'.length), Number(/^peak (\d+)$/m.exec(text)?.[1]));
  }
  return peaks;
}

/** Every disk of the restored VM is byte-identical to its restore point's disk (qemu-img compare). */
export async function expectRestoredIdentical(f: RecoveryLab, vm: string, restoredName: string): Promise<void> {
  const found = (await listVms(f.session)).filter((v) => v.name === restoredName);
  expect(found, `VMs named ${restoredName}`).toHaveLength(1);
  const { config } = await fetchVmConfigInfo(f.session, found[0]!.ref);
  const site = f.points.get(vm)!;
  // Matched by slot (bus, unit), as the restore matches them.
  const bySlot = <T>(list: T[], slot: (x: T) => [number, number]) =>
    [...list].sort((a, b) => slot(a)[0] - slot(b)[0] || slot(a)[1] - slot(b)[1]);
  const sources = bySlot(site.point.manifest.disks, (d) => [d.controller.busNumber, d.controller.unitNumber]).map((d) =>
    site.disks.get(d.key)!,
  );
  const bus = (key: number) => config.controllers.find((c) => c.key === key)?.busNumber ?? 0;
  const restored = bySlot(config.disks, (d) => [bus(d.controllerKey), d.unitNumber]);
  expect(restored).toHaveLength(sources.length);
  for (const [i, disk] of restored.entries()) {
    const source = sources[i]!;
    const local = join(f.lab.info.datastores[0]!.folder, parseDatastorePath(disk.fileName).path);
    const raw = await writeRaw(join(f.dir, `src-${vm}-${disk.key}.raw`), source);
    const compare = await qemuImg('compare', '-F', 'raw', local, raw);
    expect(compare.code, `${restoredName} disk ${disk.key}: ${compare.stdout}${compare.stderr}`).toBe(0);
  }
}

/** Groups ran strictly in order: every VM of a group started after every VM of the group before ended. */
export function expectGroupsInOrder(result: Pick<RecoveryRunResult, 'vms'>): void {
  for (const [i, g] of SITE_GROUPS.entries()) {
    if (i === 0) continue;
    const before = result.vms.filter((v) => v.group === SITE_GROUPS[i - 1]!.name);
    const these = result.vms.filter((v) => v.group === g.name);
    const lastEnd = Math.max(...before.map((v) => Date.parse(v.finishedAt!)));
    for (const v of these)
      expect(
        Date.parse(v.startedAt!),
        `${v.vmName} started before group ${SITE_GROUPS[i - 1]!.name} ended`,
      ).toBeGreaterThanOrEqual(lastEnd);
  }
}

/** Within a group, on each host, a bigger VM never started after a smaller one (every VM here fits an empty host, so the start order shows "largest first"). */
export function expectLargestFirst(result: Pick<RecoveryRunResult, 'vms'>): void {
  for (const g of SITE_GROUPS) {
    const vms = result.vms.filter((v) => v.group === g.name);
    for (const host of new Set(vms.map((v) => v.host))) {
      const onHost = vms.filter((v) => v.host === host).sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!));
      for (let i = 1; i < onHost.length; i++) {
        expect(
          onHost[i]!.bytesTotal,
          `${onHost[i]!.vmName} started after the smaller ${onHost[i - 1]!.vmName} on ${host}`,
        ).toBeLessThanOrEqual(onHost[i - 1]!.bytesTotal);
      }
    }
  }
}
