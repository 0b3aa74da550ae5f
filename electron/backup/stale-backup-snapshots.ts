import { hostname } from 'node:os';
import { holderMayBeAlive } from '../repository/process-liveness';
import { retrieveOne } from '../vsphere/property-collector';
import type { VimSession } from '../vsphere/vim-session';
import { asArray, asMoRef, asString, type MoRef, type VimValue } from '../vsphere/vim-types';
import { removeSnapshot } from '../vsphere/vm-operations';

/**
 * A backup's snapshot carries a marker in its description: who took it (host
 * and PID). A backup that is killed cannot remove its snapshot, so the next
 * backup of the VM removes the ones whose taker is gone: never a snapshot
 * without the marker (someone else's), never one whose taker may still run.
 */
export const BACKUP_SNAPSHOT_PREFIX = 'Lifeboat backup ';
const DESCRIPTION = 'Taken by Lifeboat for a backup; removed when the backup ends.';
const MARKER = /^Taken by Lifeboat for a backup; removed when the backup ends\. \[lifeboat-backup host=(\S+) pid=(\d+)\]$/;
/** A marked snapshot from another host (its taker cannot be checked) is stale after a day: no backup runs that long. */
export const FOREIGN_SNAPSHOT_STALE_MS = 24 * 60 * 60 * 1000;

export function backupSnapshotDescription(): string {
  return `${DESCRIPTION} [lifeboat-backup host=${hostname()} pid=${process.pid}]`;
}

interface SnapshotNode {
  ref: MoRef;
  name: string;
  description: string;
  createTime: string;
}

async function snapshotTree(session: VimSession, vm: MoRef): Promise<SnapshotNode[]> {
  const found = await retrieveOne(session, vm, ['snapshot']);
  const info = found?.props.snapshot as { rootSnapshotList?: VimValue } | undefined;
  const out: SnapshotNode[] = [];
  const walk = (list: VimValue): void => {
    for (const node of asArray(list as VimValue[] | VimValue | undefined)) {
      const n = node as {
        snapshot?: VimValue;
        name?: VimValue;
        description?: VimValue;
        createTime?: VimValue;
        childSnapshotList?: VimValue;
      };
      const ref = asMoRef(n.snapshot);
      if (ref)
        out.push({
          ref,
          name: asString(n.name) ?? '',
          description: asString(n.description) ?? '',
          createTime: asString(n.createTime) ?? '',
        });
      if (n.childSnapshotList) walk(n.childSnapshotList);
    }
  };
  if (info?.rootSnapshotList) walk(info.rootSnapshotList);
  return out;
}

/** True for a Lifeboat backup snapshot whose backup can no longer be running. */
export function isStaleBackupSnapshot(s: Pick<SnapshotNode, 'name' | 'description' | 'createTime'>, now = Date.now()): boolean {
  if (!s.name.startsWith(BACKUP_SNAPSHOT_PREFIX)) return false;
  const marker = MARKER.exec(s.description);
  const created = Date.parse(s.createTime);
  const old = Number.isFinite(created) && now - created > FOREIGN_SNAPSHOT_STALE_MS;
  if (marker) return !holderMayBeAlive(marker[1]!, Number(marker[2])) || old;
  // Taken by an older Lifeboat (no host and PID): only its age can tell.
  return s.description === DESCRIPTION && old;
}

/** Removes the VM's stale backup snapshots; returns notes for the backup report. */
export async function removeStaleBackupSnapshots(session: VimSession, vm: MoRef, signal?: AbortSignal): Promise<string[]> {
  const notes: string[] = [];
  for (const s of await snapshotTree(session, vm)) {
    if (!isStaleBackupSnapshot(s)) continue;
    try {
      await removeSnapshot(session, s.ref, { signal });
      notes.push(`Removed the snapshot "${s.name}" left by an interrupted backup.`);
    } catch (err) {
      notes.push(
        `The snapshot "${s.name}" left by an interrupted backup could not be removed (${(err as Error).message}); remove it by hand.`,
      );
    }
  }
  return notes;
}
