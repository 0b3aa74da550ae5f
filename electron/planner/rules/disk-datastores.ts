import type { Scenario, ScenarioDisk } from '../scenario-schema';

export type DatastoreFacts = Scenario['target']['datastore'];

/**
 * The datastore name a disk is restored to: its own choice, else the "*" choice,
 * else the VM's datastore. Only a new VM's disks are placed (a disks restore
 * writes where the existing VM's disks are, or next to them).
 */
export function diskDatastoreName(s: Scenario, disk: Pick<ScenarioDisk, 'key'>): string {
  if (s.options.restoreKind !== 'full-vm') return s.target.datastore.name;
  const chosen = s.options.diskDatastores;
  return chosen[String(disk.key)] ?? chosen['*'] ?? s.target.datastore.name;
}

/** The facts of the datastore a disk is restored to (the scenario schema guarantees they are described). */
export function diskDatastore(s: Scenario, disk: Pick<ScenarioDisk, 'key'>): DatastoreFacts {
  const name = diskDatastoreName(s, disk);
  return name === s.target.datastore.name ? s.target.datastore : (s.target.datastores.find((d) => d.name === name) ?? s.target.datastore);
}

/** Each datastore the disks go to, with its disks in restore-point order. */
export function disksByDatastore(s: Scenario): Array<{ datastore: DatastoreFacts; disks: ScenarioDisk[] }> {
  const groups = new Map<string, { datastore: DatastoreFacts; disks: ScenarioDisk[] }>();
  for (const disk of s.restorePoint.disks) {
    const ds = diskDatastore(s, disk);
    const group = groups.get(ds.name) ?? { datastore: ds, disks: [] };
    group.disks.push(disk);
    groups.set(ds.name, group);
  }
  return [...groups.values()];
}

/**
 * The one datastore every disk goes to, or null when they are spread over
 * several: datastore rules are then VM-wide findings, as they always were for
 * a restore to one datastore, else per-disk ones.
 */
export function sharedDiskDatastore(s: Scenario): DatastoreFacts | null {
  const groups = disksByDatastore(s);
  return groups.length === 1 ? groups[0]!.datastore : groups.length === 0 ? s.target.datastore : null;
}
