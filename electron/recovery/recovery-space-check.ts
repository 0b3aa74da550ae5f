import type { RecoveryDatastoreUse, RecoveryFinding, RecoveryVmPlan } from '../api/schemas/recovery-schema';
import { formatBytes } from '../units/byte-units';

/**
 * DATA-THICK-SPACE / DATA-THIN-SPACE across the plan: a datastore must hold
 * every VM the plan restores to it, thick disks at their provisioned size and
 * thin disks' data after them. A VM's own plan sees only itself, so a
 * datastore each VM fits alone can still be too small for all of them.
 */
export function datastoreSpace(vms: readonly RecoveryVmPlan[], freeBytes: ReadonlyMap<string, number | null>): { datastores: RecoveryDatastoreUse[]; findings: RecoveryFinding[] } {
  // Each VM's bytes per datastore its disks go to (older views: all on the VM's datastore).
  const uses = vms.flatMap((v) => (v.space ?? [{ datastore: v.datastore, thickBytes: v.thickBytes, thinBytes: v.thinBytes }]).map((u) => ({ vm: v, ...u })));
  const names = [...new Set([...vms.map((v) => v.datastore), ...uses.map((u) => u.datastore)])].sort();
  const datastores: RecoveryDatastoreUse[] = [];
  const findings: RecoveryFinding[] = [];
  for (const name of names) {
    const here = uses.filter((u) => u.datastore === name);
    const on = [...new Set(here.map((u) => u.vm))];
    const thickBytes = here.reduce((n, u) => n + u.thickBytes, 0);
    const thinBytes = here.reduce((n, u) => n + u.thinBytes, 0);
    const free = freeBytes.get(name) ?? null;
    const neededBytes = thickBytes + thinBytes;
    datastores.push({ name, freeBytes: free, thickBytes, thinBytes, neededBytes, vms: on.map((v) => v.vm), ok: free === null || neededBytes <= free });
    // One VM alone: its own plan has the finding already.
    if (free === null || on.length < 2 || neededBytes <= free) continue;
    const list = on.map((v) => v.vm).join(', ');
    const remedy = (short: number) =>
      `Free at least ${formatBytes(short)} on ${name}, or give some of these VMs another datastore (datastore: on their entries)` +
      (thickBytes > 0 ? ', or restore their thick disks thin (diskProvisioning: {"*": thin}).' : '.');
    if (thickBytes > free) {
      findings.push({
        rule: 'DATA-THICK-SPACE',
        severity: 'block',
        datastore: name,
        message: `The ${on.length} VMs restored to datastore ${name} need ${formatBytes(neededBytes)} (thick disks ${formatBytes(thickBytes)}, thin disks' data ${formatBytes(thinBytes)}), but ${name} has ${formatBytes(free)} free: ${list}.`,
        remedy: remedy(neededBytes - free),
      });
    } else {
      findings.push({
        rule: 'DATA-THIN-SPACE',
        severity: 'block',
        datastore: name,
        message: `The ${on.length} VMs restored to datastore ${name} hold ${formatBytes(thinBytes)} of thin disk data after ${formatBytes(thickBytes)} of thick disks, but ${name} has ${formatBytes(free)} free: ${list}.`,
        remedy: remedy(neededBytes - free),
      });
    }
  }
  return { datastores, findings };
}
