import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { backupSnapshotDescription, isStaleBackupSnapshot } from '../../../electron/backup/stale-backup-snapshots';

const BASE = 'Taken by Lifeboat for a backup; removed when the backup ends.';
const now = Date.parse('2026-11-29T12:00:00Z');
const recent = '2026-11-29T11:30:00Z';
const twoDaysAgo = '2026-11-27T11:00:00Z';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((done) => child.on('exit', done));
  return child.pid!;
}

describe('which snapshots are stale Lifeboat backup snapshots', () => {
  it('marks its own snapshots with host and PID', () => {
    expect(backupSnapshotDescription()).toBe(`${BASE} [lifeboat-backup host=${hostname()} pid=${process.pid}]`);
  });

  it('a marked snapshot whose taker is gone on this host is stale at once; a running taker keeps it', async () => {
    const dead = `${BASE} [lifeboat-backup host=${hostname()} pid=${await deadPid()}]`;
    expect(isStaleBackupSnapshot({ name: 'Lifeboat backup x', description: dead, createTime: recent }, now)).toBe(true);
    const alive = `${BASE} [lifeboat-backup host=${hostname()} pid=${process.pid}]`;
    expect(isStaleBackupSnapshot({ name: 'Lifeboat backup x', description: alive, createTime: recent }, now)).toBe(false);
  });

  it('another host cannot be checked: its snapshot is stale only after a day', () => {
    const foreign = `${BASE} [lifeboat-backup host=other-workstation pid=1234]`;
    expect(isStaleBackupSnapshot({ name: 'Lifeboat backup x', description: foreign, createTime: recent }, now)).toBe(false);
    expect(isStaleBackupSnapshot({ name: 'Lifeboat backup x', description: foreign, createTime: twoDaysAgo }, now)).toBe(true);
  });

  it("never someone else's snapshot, even when it is named like ours or old", () => {
    for (const s of [
      { name: 'Lifeboat backup by hand', description: 'taken by the admin', createTime: twoDaysAgo },
      { name: 'before upgrade', description: BASE, createTime: twoDaysAgo },
      { name: 'Lifeboat backup x', description: `${BASE} with a note`, createTime: twoDaysAgo },
    ])
      expect(isStaleBackupSnapshot(s, now), s.name).toBe(false);
  });

  it('an older Lifeboat (no marker) left only its description: stale after a day', () => {
    expect(
      isStaleBackupSnapshot({ name: 'Lifeboat backup 2026-11-29T10:00:00Z', description: BASE, createTime: recent }, now),
    ).toBe(false);
    expect(
      isStaleBackupSnapshot({ name: 'Lifeboat backup 2026-11-27T10:00:00Z', description: BASE, createTime: twoDaysAgo }, now),
    ).toBe(true);
  });
});
