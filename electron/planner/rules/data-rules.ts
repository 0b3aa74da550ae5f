import type { Finding } from '../plan-types';
import type { Scenario, ScenarioDisk } from '../scenario-schema';
import { diskDatastore, disksByDatastore, type DatastoreFacts } from './disk-datastores';
import { formatBytes } from './exclusion';

export type Provisioning = ScenarioDisk['provisioning'];

/** DATA-LAZY-TO-EAGER: without an allocation map every sector was read, zeros included. */
export function restoredProvisioning(disk: ScenarioDisk): Provisioning {
  return disk.provisioning === 'lazyzeroed' && !disk.allocationMapSaved ? 'eagerzeroed' : disk.provisioning;
}

/** Bytes the copy writes: allocated extents when the restore point knows them, else everything. */
export function bytesToWrite(disk: ScenarioDisk): number {
  return disk.allocationMapSaved ? disk.allocatedBytes : disk.capacityBytes;
}

const isThick = (p: Provisioning) => p !== 'thin';

/** DATA-THICK-SPACE and DATA-THIN-SPACE for the disks restored to one datastore (space is summed per datastore). */
function spaceFindings(ds: DatastoreFacts, disks: readonly ScenarioDisk[]): Finding[] {
  const out: Finding[] = [];
  // DATA-THICK-SPACE: a thick disk takes its full provisioned size at once, so sum them per datastore.
  const thick = disks.filter((d) => isThick(restoredProvisioning(d)));
  const thickBytes = thick.reduce((sum, d) => sum + d.capacityBytes, 0);
  if (thick.length > 0 && ds.freeBytes < thickBytes) {
    out.push({
      rule: 'DATA-THICK-SPACE',
      severity: 'block',
      message: `The thick disks (${thick.map((d) => d.key).join(', ')}) need ${formatBytes(thickBytes)} on datastore ${ds.name}, which has ${formatBytes(ds.freeBytes)} free.`,
      remedy: `Free at least ${formatBytes(thickBytes - ds.freeBytes)} on ${ds.name}, choose a larger datastore, or restore the disks thin.`,
    });
  }

  // DATA-THIN-SPACE: a thin disk needs room for its allocated data after the thick disks
  // and the thin disks restored before it (so several thin disks cannot share the same room).
  let room = ds.freeBytes - thickBytes;
  for (const d of disks) {
    if (restoredProvisioning(d) !== 'thin') continue;
    const need = d.allocatedBytes;
    if (room < need) {
      out.push({
        rule: 'DATA-THIN-SPACE',
        severity: 'block',
        disk: d.key,
        message: `${d.label} holds ${formatBytes(need)} of data but only ${formatBytes(Math.max(0, room))} is left on datastore ${ds.name}${thickBytes > 0 || room !== ds.freeBytes ? ' after the disks placed before it' : ''}.`,
        remedy: `Free space on ${ds.name} or choose a larger datastore.`,
      });
    }
    room -= need;
  }
  return out;
}

/** Data-shape and space rules for the disks restored to their datastores. */
export function dataFindings(s: Scenario): Finding[] {
  const out: Finding[] = [];
  const disks = s.restorePoint.disks;

  // DATA-INDEPENDENT-DISK
  const independent = s.restorePoint.vm.independentDisks;
  if (independent > 0) {
    out.push({
      rule: 'DATA-INDEPENDENT-DISK',
      severity: 'warn',
      message: `${s.restorePoint.vm.name} had ${independent} independent disk${independent === 1 ? '' : 's'}; independent disks cannot be snapshotted, so the restore point has no data for ${independent === 1 ? 'it' : 'them'}.`,
      remedy:
        'If the restored VM needs them, add new empty disks of the same size after the restore and refill them from their own source.',
    });
  }

  for (const group of disksByDatastore(s)) out.push(...spaceFindings(group.datastore, group.disks));

  for (const d of disks) {
    // DATA-LAZY-TO-EAGER
    if (d.provisioning === 'lazyzeroed' && !d.allocationMapSaved) {
      out.push({
        rule: 'DATA-LAZY-TO-EAGER',
        severity: 'info',
        disk: d.key,
        message: `${d.label} was lazy-zeroed thick but backed up without change tracking, so its unused areas were read as zeros; it restores as eager-zeroed thick.`,
        remedy: 'Nothing to do now. Enable change tracking before the first backup to keep lazy-zeroed disks lazy.',
      });
    }
    // DATA-NFS-THIN-INFLATE
    const ds = diskDatastore(s, d);
    if (restoredProvisioning(d) === 'thin' && ds.type === 'NFS' && !ds.nfsSeekData) {
      out.push({
        rule: 'DATA-NFS-THIN-INFLATE',
        severity: 'warn',
        disk: d.key,
        message: `${d.label} is thin, but the NFS server behind ${ds.name} cannot report data and holes (no SEEK_DATA/FIEMAP); the disk may end up fully allocated.`,
        remedy: `Make sure ${ds.name} has room for the full ${formatBytes(d.capacityBytes)}, or restore to a VMFS datastore.`,
      });
    }
    // DATA-THIN-FIRST-WRITE
    if (restoredProvisioning(d) === 'thin') {
      out.push({
        rule: 'DATA-THIN-FIRST-WRITE',
        severity: 'info',
        disk: d.key,
        message: `${d.label} is a new thin disk: each first write allocates a block, so the copy runs slower than on thick disks; the time estimate allows for it.`,
        remedy: 'Nothing to do.',
      });
    }
  }
  return out;
}
