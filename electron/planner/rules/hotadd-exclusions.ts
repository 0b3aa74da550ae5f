import type { Scenario, ScenarioDisk } from '../scenario-schema';
import { diskDatastoreName, sharedDiskDatastore } from './disk-datastores';
import type { Exclusion } from './exclusion';

function sameName(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
}

/** The proxy VM and the target are reached through the same connection. */
function proxyUnderSameConnection(s: Scenario): boolean {
  const { connection, workstation } = s;
  if (connection.kind === 'vcenter') return sameName(workstation.vcenter, connection.vcenter);
  // Straight to an ESXi host: the proxy must live on that host, not under some vCenter elsewhere.
  return workstation.vcenter === null || sameName(workstation.vcenter, connection.server);
}

/** HotAdd exclusions that hold for every disk of the plan. */
export function vmHotaddExclusions(s: Scenario): Exclusion[] {
  const out: Exclusion[] = [];
  // XPORT-HOTADD-NEEDS-VM
  if (s.workstation.kind !== 'vm') {
    out.push({
      rule: 'XPORT-HOTADD-NEEDS-VM',
      transport: 'hotadd',
      message: 'The workstation is a physical machine; HotAdd attaches disks to a proxy virtual machine.',
      remedy: 'Run Lifeboat inside a VM on a host that reaches the target datastore, or use SAN or nbdssl.',
    });
    return out;
  }
  // XPORT-HOTADD-SAME-VCENTER (the datastore half is per disk when the disks go to several datastores)
  const ds = sharedDiskDatastore(s)?.name ?? null;
  const sameConnection = proxyUnderSameConnection(s);
  const reachable = ds === null || s.workstation.datastores.includes(ds);
  if (!sameConnection || !reachable) {
    const problems: string[] = [];
    if (!sameConnection) {
      problems.push(
        `the proxy VM is managed by ${s.workstation.vcenter ?? 'no vCenter'} but the target is reached through ${s.connection.kind === 'vcenter' ? s.connection.vcenter : s.connection.server}`,
      );
    }
    if (!reachable) problems.push(`the proxy's host cannot reach datastore ${ds}`);
    out.push({
      rule: 'XPORT-HOTADD-SAME-VCENTER',
      transport: 'hotadd',
      message: `HotAdd is not possible: ${problems.join(', and ')}.`,
      remedy:
        'Place the proxy VM under the same vCenter as the target, on a host that mounts the target datastore; or use nbdssl.',
    });
  }
  return out;
}

/** HotAdd exclusions that depend on the disk. */
export function diskHotaddExclusions(s: Scenario, disk: ScenarioDisk): Exclusion[] {
  const out: Exclusion[] = [];
  // XPORT-HOTADD-SAME-VCENTER: the proxy's host must reach this disk's datastore.
  const ds = diskDatastoreName(s, disk);
  if (s.workstation.kind === 'vm' && sharedDiskDatastore(s) === null && !s.workstation.datastores.includes(ds)) {
    out.push({
      rule: 'XPORT-HOTADD-SAME-VCENTER',
      transport: 'hotadd',
      message: `HotAdd is not possible for ${disk.label}: the proxy's host cannot reach datastore ${ds}.`,
      remedy: `Place the proxy VM on a host that mounts ${ds}, or use nbdssl for this disk.`,
    });
  }
  // XPORT-HOTADD-IDE
  if (disk.controller === 'ide') {
    out.push({
      rule: 'XPORT-HOTADD-IDE',
      transport: 'hotadd',
      message: `${disk.label} sits on an IDE controller; HotAdd can only attach SCSI disks.`,
      remedy: 'Restore this disk over nbdssl (or SAN), or move it to a SCSI controller in the restored VM.',
    });
  }
  // XPORT-HOTADD-ENCRYPTED-PROXY (only meaningful when there is a proxy VM)
  if (s.workstation.kind === 'vm' && disk.encrypted && !s.workstation.vmEncrypted) {
    out.push({
      rule: 'XPORT-HOTADD-ENCRYPTED-PROXY',
      transport: 'hotadd',
      message: `${disk.label} is encrypted but the proxy VM running Lifeboat is not; HotAdd of encrypted disks needs an encrypted proxy.`,
      remedy: 'Encrypt the proxy VM (and grant Cryptographer.AddDisk), or use nbdssl.',
    });
  }
  return out;
}
