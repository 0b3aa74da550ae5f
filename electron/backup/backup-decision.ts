import { backupFactsSchema } from '../planner/backup-facts';
import { planBackup, type BackupPlan } from '../planner/plan-backup';
import type { Repository } from '../repository/repository';
import type { RestorePointManifest } from '../repository/restore-point-manifest';
import { BackupFailedError } from './backup-result';
import type { DiskReadMode } from './backup-source';
import { isIndependent, type SourceVm, type SourceVmDisk } from './backup-source-port';
import { latestPointOfVm } from './previous-point';

export interface BackupDecision {
  previous: RestorePointManifest | null;
  /** Per backed-up disk: read allocated areas, or changed areas since the previous point. */
  modes: Map<number, DiskReadMode>;
  /** Per backed-up disk: why it is read in full or as changed areas, naming the rule. */
  reasons: Map<number, string>;
  incremental: boolean;
  /** The planner's findings and steps (BACKUP-* rule IDs). */
  plan: BackupPlan;
}

/** Why a disk is read in full, or null when an incremental is possible. */
function fullReadReason(input: {
  previous: RestorePointManifest | null;
  full: boolean;
  cbtOn: boolean;
  disk: SourceVmDisk;
}): string | null {
  const { previous, disk } = input;
  if (!previous)
    return 'BACKUP-ALLOCATED-FIRST: the repository has no earlier restore point of this VM, so the allocated areas are read';
  if (input.full) return 'BACKUP-ALLOCATED-FIRST: a full backup was asked for, so the allocated areas are read';
  if (!input.cbtOn)
    return 'BACKUP-CBT-FIRST: change tracking is off on the VM, so no change id can be trusted; the allocated areas are read';
  const prev = previous.disks.find((p) => p.key === disk.key);
  if (!prev)
    return `BACKUP-ALLOCATED-FIRST: the restore point ${previous.id} has no disk ${disk.key}, so the allocated areas are read`;
  if (!prev.changeId)
    return `BACKUP-ALLOCATED-FIRST: the restore point ${previous.id} saved no change id for this disk, so the allocated areas are read`;
  if (prev.capacity !== disk.capacityBytes)
    return 'BACKUP-ALLOCATED-FIRST: the disk was resized since the last restore point, so the allocated areas are read';
  return null;
}

/**
 * Full or incremental, per disk, and the rule findings: an incremental needs
 * a previous point of this VM, CBT on already (change ids from before it was
 * enabled say nothing), and the disk's saved change id at the same capacity.
 */
export async function decideBackup(input: {
  repo: Repository;
  vm: SourceVm;
  /** The server the VM is read from, and whether it is vCenter or a standalone host. */
  connection: { server: string; kind: 'vcenter' | 'esxi' };
  disks: SourceVmDisk[];
  full: boolean;
  quiesce: boolean;
}): Promise<BackupDecision> {
  const { vm, connection } = input;
  const previous = await latestPointOfVm(input.repo, {
    instanceUuid: vm.instanceUuid,
    moref: vm.moref,
    sourceServer: connection.server,
  });
  const cbtOn = vm.changeTrackingEnabled;
  const modes = new Map<number, DiskReadMode>();
  const reasons = new Map<number, string>();
  for (const d of input.disks) {
    const why = fullReadReason({ previous, full: input.full, cbtOn, disk: d });
    const prev = previous?.disks.find((p) => p.key === d.key);
    if (why === null && previous && prev?.changeId) {
      modes.set(d.key, { kind: 'changed', parentPointId: previous.id, sinceChangeId: prev.changeId });
      reasons.set(
        d.key,
        `changed areas since the restore point ${previous.id} (change id ${prev.changeId}) that are still allocated`,
      );
    } else {
      modes.set(d.key, { kind: 'allocated' });
      reasons.set(d.key, why ?? 'BACKUP-ALLOCATED-FIRST');
    }
  }
  const incremental = [...modes.values()].some((m) => m.kind === 'changed');
  const plan = planBackup(
    backupFactsSchema.parse({
      connection: {
        kind: connection.kind,
        server: connection.server,
        vcenter: connection.kind === 'esxi' ? null : connection.server,
      },
      vm: { name: vm.name, cbtEnabled: cbtOn, encrypted: vm.encrypted, vtpm: vm.hasVtpm, quiesce: input.quiesce },
      firstBackup: !incremental,
      disks: vm.disks.map((d) => ({
        key: d.key,
        label: d.label,
        capacityBytes: d.capacityBytes,
        encrypted: d.encrypted,
        independent: isIndependent(d),
      })),
    }),
  );
  if (!plan.ok) {
    const blocking = plan.findings.filter((f) => f.severity === 'block');
    throw new BackupFailedError(
      `The backup is blocked: ${blocking.map((f) => `${f.rule}: ${f.message}`).join(' ')}`,
      [],
      plan.findings,
    );
  }
  return { previous, modes, reasons, incremental, plan };
}
