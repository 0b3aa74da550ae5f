import { backupFactsSchema } from '../planner/backup-facts';
import { planBackup, type BackupPlan } from '../planner/plan-backup';
import type { Repository } from '../repository/repository';
import type { RestorePointManifest } from '../repository/restore-point-manifest';
import type { VimSession } from '../vsphere/vim-session';
import { asString, type MoRef, type VimObject } from '../vsphere/vim-types';
import type { SavedDisk, SavedVmConfig } from '../vsphere/vm-config-info';
import { isIndependent } from './backup-manifest';
import { BackupFailedError } from './backup-result';
import type { DiskReadMode } from './backup-source';
import { latestPointOfVm } from './previous-point';

export interface BackupDecision {
  previous: RestorePointManifest | null;
  /** Per backed-up disk: read allocated areas, or changed areas since the previous point. */
  modes: Map<number, DiskReadMode>;
  incremental: boolean;
  /** The planner's findings and steps (BACKUP-* rule IDs). */
  plan: BackupPlan;
}

/**
 * Full or incremental, per disk, and the rule findings: an incremental needs
 * a previous point of this VM, CBT on already (change ids from before it was
 * enabled say nothing), and the disk's saved change id at the same capacity.
 */
export async function decideBackup(input: {
  session: VimSession;
  repo: Repository;
  vm: MoRef;
  raw: VimObject;
  config: SavedVmConfig;
  disks: SavedDisk[];
  full: boolean;
  quiesce: boolean;
}): Promise<BackupDecision> {
  const { session, config } = input;
  const previous = await latestPointOfVm(input.repo, {
    instanceUuid: asString(input.raw.instanceUuid) ?? config.uuid ?? '',
    moref: input.vm.value,
    sourceServer: session.server,
  });
  const cbtWasOn = config.changeTrackingEnabled;
  const modes = new Map<number, DiskReadMode>();
  for (const d of input.disks) {
    const prev = previous && !input.full && cbtWasOn ? previous.disks.find((p) => p.key === d.key) : undefined;
    if (previous && prev?.changeId && prev.capacity === d.capacityBytes)
      modes.set(d.key, { kind: 'changed', parentPointId: previous.id, sinceChangeId: prev.changeId });
    else modes.set(d.key, { kind: 'allocated' });
  }
  const incremental = [...modes.values()].some((m) => m.kind === 'changed');
  const plan = planBackup(
    backupFactsSchema.parse({
      connection: {
        kind: session.isHostAgent ? 'esxi' : 'vcenter',
        server: session.server,
        vcenter: session.isHostAgent ? null : session.server,
      },
      vm: {
        name: config.name,
        cbtEnabled: cbtWasOn,
        encrypted: Boolean(config.keyId),
        vtpm: config.hasVtpm,
        quiesce: input.quiesce,
      },
      firstBackup: !incremental,
      disks: config.disks.map((d) => ({
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
  return { previous, modes, incremental, plan };
}
