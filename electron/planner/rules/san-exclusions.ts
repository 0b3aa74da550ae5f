import type { Scenario, ScenarioDisk } from '../scenario-schema';
import { diskDatastore, sharedDiskDatastore, type DatastoreFacts } from './disk-datastores';
import type { Exclusion } from './exclusion';

/** A VMFS datastore on a LUN: the only kind SAN transport can write. */
export function datastoreOnSanLun(ds: DatastoreFacts): boolean {
  return ds.type === 'VMFS' && ds.lun !== null;
}

/** Compares dotted versions numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** SAN exclusions that hold for every disk of the plan (the datastore's too when every disk goes to one). */
export function vmSanExclusions(s: Scenario): Exclusion[] {
  const shared = sharedDiskDatastore(s);
  const all = [...workstationSanExclusions(s), ...(shared ? datastoreSanExclusions(s, shared) : [])];
  return all.sort((a, b) => VM_SAN_ORDER.indexOf(a.rule) - VM_SAN_ORDER.indexOf(b.rule));
}

/** The order VM-wide SAN exclusions are listed in (plans keep it whatever function found them). */
const VM_SAN_ORDER: readonly string[] = [
  'XPORT-SAN-NEEDS-PHYSICAL',
  'XPORT-SAN-NO-LUN',
  'XPORT-SAN-LOCAL-DATASTORE',
  'XPORT-SAN-NO-REDO',
  'XPORT-SAN-EXISTING-SNAPSHOTS',
  'XPORT-SAN-NO-VVOL',
];

/** SAN exclusions that come from the datastore a disk is written to. */
function datastoreSanExclusions(s: Scenario, ds: DatastoreFacts): Exclusion[] {
  const out: Exclusion[] = [];
  // XPORT-SAN-NO-LUN (a VVol datastore is covered by XPORT-SAN-NO-VVOL instead)
  if (ds.type !== 'VVOL') {
    const visible = ds.lun !== null && s.workstation.visibleLuns.includes(ds.lun);
    if (!(datastoreOnSanLun(ds) && visible)) {
      out.push({
        rule: 'XPORT-SAN-NO-LUN',
        transport: 'san',
        message: datastoreOnSanLun(ds)
          ? `The LUN of datastore ${ds.name} (${ds.lun}) is not among the block devices this workstation sees.`
          : `Datastore ${ds.name} (${ds.type}) is not a VMFS volume on a LUN the workstation could reach directly.`,
        remedy: datastoreOnSanLun(ds)
          ? `Zone and present ${ds.lun} to the workstation (read-only except during restores), or use a network transport.`
          : 'Use a network transport (nbdssl) or HotAdd.',
      });
    }
  }
  // XPORT-SAN-LOCAL-DATASTORE: VDDK's default mode list would try SAN here and fail on the first write.
  if (!datastoreOnSanLun(ds) && ds.type !== 'VVOL' && s.target.host.sanAttached) {
    out.push({
      rule: 'XPORT-SAN-LOCAL-DATASTORE',
      transport: 'san',
      message: `Datastore ${ds.name} is ${ds.type === 'VMFS' ? 'local VMFS' : ds.type} while the host also has SAN storage; left to its default, VDDK would pick SAN and then fail to write.`,
      remedy: 'Nothing to do: Lifeboat names the transport explicitly (nbdssl unless HotAdd applies) when it connects.',
    });
  }
  // XPORT-SAN-NO-VVOL
  if (ds.type === 'VVOL') {
    out.push({
      rule: 'XPORT-SAN-NO-VVOL',
      transport: 'san',
      message: `Datastore ${ds.name} is a VVol datastore; SAN transport cannot write to VVols.`,
      remedy: 'Use HotAdd or nbdssl, or restore to a VMFS datastore.',
    });
  }
  return out;
}

/** SAN exclusions from the workstation and the request, whatever the datastore. */
function workstationSanExclusions(s: Scenario): Exclusion[] {
  const out: Exclusion[] = [];
  // XPORT-SAN-NEEDS-PHYSICAL
  if (s.workstation.kind === 'vm') {
    out.push({
      rule: 'XPORT-SAN-NEEDS-PHYSICAL',
      transport: 'san',
      message: 'The workstation is a virtual machine; VDDK only offers SAN transport on a physical machine wired to the storage.',
      remedy: 'Use HotAdd from this VM, or run Lifeboat on a physical machine that sees the LUN.',
    });
  }
  // XPORT-SAN-NO-REDO
  if (s.options.writeTo === 'redo') {
    out.push({
      rule: 'XPORT-SAN-NO-REDO',
      transport: 'san',
      message: 'The restore writes into a child disk (snapshot or linked clone); SAN transport only writes base disks.',
      remedy: 'Write to the base disk, or use HotAdd or nbdssl for the child disk.',
    });
  }
  // XPORT-SAN-EXISTING-SNAPSHOTS: the restore snapshot must be the VM's only one, so reverting it cannot lose anything.
  const into = s.options.intoVm;
  if (s.options.restoreKind === 'disks' && into !== null && into.snapshots > 0) {
    out.push({
      rule: 'XPORT-SAN-EXISTING-SNAPSHOTS',
      transport: 'san',
      message: `${into.name} already has ${into.snapshots} snapshot${into.snapshots === 1 ? '' : 's'}; a SAN restore needs a restore snapshot of its own that it reverts and deletes afterwards.`,
      remedy: `Delete or consolidate the snapshots of ${into.name} first, or use nbdssl.`,
    });
  }
  return out;
}

/** SAN exclusions that depend on the disk (and on its datastore when the disks are spread over several). */
export function diskSanExclusions(s: Scenario, disk: ScenarioDisk): Exclusion[] {
  const out: Exclusion[] = sharedDiskDatastore(s) ? [] : datastoreSanExclusions(s, diskDatastore(s, disk));
  // XPORT-SAN-NO-ENCRYPTED
  if (disk.encrypted) {
    out.push({
      rule: 'XPORT-SAN-NO-ENCRYPTED',
      transport: 'san',
      message: `${disk.label} is encrypted; encrypted disks cannot be written over SAN.`,
      remedy: 'Use nbdssl, or HotAdd from an encrypted proxy VM.',
    });
  }
  // XPORT-SAN-VMFS-BLOCK: fixed in ESXi 5.5; older hosts fail the write of the last partial block.
  const { esxiVersion } = s.target.host;
  const block = diskDatastore(s, disk).vmfsBlockBytes;
  if (compareVersions(esxiVersion, '5.5') < 0 && disk.capacityBytes % block !== 0) {
    out.push({
      rule: 'XPORT-SAN-VMFS-BLOCK',
      transport: 'san',
      message: `Host runs ESXi ${esxiVersion} (before 5.5) and ${disk.label}'s size (${disk.capacityBytes} bytes) is not a multiple of the VMFS block (${block} bytes); the last SAN write would fail.`,
      remedy: 'Use nbdssl for this disk, or restore to a host running ESXi 5.5 or later.',
    });
  }
  return out;
}
