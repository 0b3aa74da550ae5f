import { describe, expect, it } from 'vitest';
import { backupFactsSchema, type BackupFactsInput } from '../../../electron/planner/backup-facts';
import { planBackup } from '../../../electron/planner/plan-backup';
import { GiB } from './scenario-builder';

function facts(input: Partial<BackupFactsInput> = {}) {
  return backupFactsSchema.parse({ disks: [{ key: 2000, capacityBytes: 8 * GiB }], ...input });
}
const has = (plan: ReturnType<typeof planBackup>, rule: string) => plan.rulesApplied.includes(rule as never);

describe('BACKUP-CBT-FIRST', () => {
  it('fires on the first backup of a VM without change tracking, before anything else', () => {
    const plan = planBackup(facts({ firstBackup: true, vm: { cbtEnabled: false } }));
    expect(plan.steps[0]).toMatchObject({ rule: 'BACKUP-CBT-FIRST', order: 1 });
  });
  it('does not fire when tracking is on already, or for a later backup', () => {
    expect(has(planBackup(facts({ firstBackup: true, vm: { cbtEnabled: true } })), 'BACKUP-CBT-FIRST')).toBe(false);
    expect(has(planBackup(facts({ firstBackup: false, vm: { cbtEnabled: true } })), 'BACKUP-CBT-FIRST')).toBe(false);
  });
});

describe('BACKUP-ALLOCATED-FIRST', () => {
  it('fires on the first backup: read allocated areas only, per disk', () => {
    const plan = planBackup(facts({ firstBackup: true }));
    expect(plan.steps.filter((s) => s.rule === 'BACKUP-ALLOCATED-FIRST').map((s) => s.disk)).toEqual([2000]);
    expect(plan.disks).toEqual([{ key: 2000, read: 'allocated' }]);
  });
  it('does not fire on later backups, which read changed areas', () => {
    const plan = planBackup(facts({ firstBackup: false, vm: { cbtEnabled: true } }));
    expect(has(plan, 'BACKUP-ALLOCATED-FIRST')).toBe(false);
    expect(plan.disks).toEqual([{ key: 2000, read: 'changed' }]);
  });
});

describe('BACKUP-SKIP-INDEPENDENT', () => {
  it('fires for each independent disk: skipped and recorded', () => {
    const plan = planBackup(
      facts({
        disks: [
          { key: 2000, capacityBytes: GiB },
          { key: 2001, capacityBytes: GiB, independent: true },
        ],
      }),
    );
    expect(plan.steps.filter((s) => s.rule === 'BACKUP-SKIP-INDEPENDENT').map((s) => s.disk)).toEqual([2001]);
    expect(plan.disks).toEqual([
      { key: 2000, read: 'allocated' },
      { key: 2001, read: 'skip' },
    ]);
  });
  it('does not fire without independent disks', () => {
    expect(has(planBackup(facts()), 'BACKUP-SKIP-INDEPENDENT')).toBe(false);
  });
});

describe('BACKUP-SAVE-CONFIG', () => {
  it('fires on every backup, naming keys and vTPM when the VM has them', () => {
    const plain = planBackup(facts({ firstBackup: false, vm: { cbtEnabled: true } }));
    expect(plain.steps.filter((s) => s.rule === 'BACKUP-SAVE-CONFIG')).toHaveLength(1);
    const vtpm = planBackup(facts({ vm: { encrypted: true, vtpm: true } }));
    const d = vtpm.steps.find((s) => s.rule === 'BACKUP-SAVE-CONFIG')!.description;
    for (const part of ['ConfigInfo', 'keyId', 'encryption.bundle', 'firmware', 'vTPM device', 'storage policy', 'NVRAM'])
      expect(d).toContain(part);
  });
  it('does not fire in a restore plan (it is a backup rule)', async () => {
    const { planRestore } = await import('../../../electron/planner/plan-restore');
    const { scenario } = await import('./scenario-builder');
    expect(planRestore(scenario()).rulesApplied).not.toContain('BACKUP-SAVE-CONFIG');
  });
});

describe('BACKUP-TOOLS-LOGGING', () => {
  it('fires as a warning for a quiesced snapshot while Tools logs to a guest file', () => {
    const plan = planBackup(facts({ vm: { quiesce: true, toolsLogToFile: true } }));
    const f = plan.findings.filter((x) => x.rule === 'BACKUP-TOOLS-LOGGING');
    expect(f).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(f[0]!.remedy).toContain('vmtoolsd.handler=vmx');
    expect(plan.ok).toBe(true);
  });
  it('does not fire without quiescing, or without file logging', () => {
    expect(has(planBackup(facts({ vm: { quiesce: false, toolsLogToFile: true } })), 'BACKUP-TOOLS-LOGGING')).toBe(false);
    expect(has(planBackup(facts({ vm: { quiesce: true, toolsLogToFile: false } })), 'BACKUP-TOOLS-LOGGING')).toBe(false);
  });
});

describe('CRYPT-CLEAR-ON-MEDIA', () => {
  it('fires as info for each encrypted disk backed up', () => {
    const plan = planBackup(
      facts({
        vm: { encrypted: true },
        disks: [
          { key: 2000, capacityBytes: GiB, encrypted: true },
          { key: 2001, capacityBytes: GiB },
        ],
      }),
    );
    expect(plan.findings.filter((f) => f.rule === 'CRYPT-CLEAR-ON-MEDIA')).toEqual([
      expect.objectContaining({ severity: 'info', disk: 2000 }),
    ]);
  });
  it('does not fire for unencrypted disks, nor for skipped independent ones', () => {
    expect(has(planBackup(facts()), 'CRYPT-CLEAR-ON-MEDIA')).toBe(false);
    expect(
      has(
        planBackup(facts({ disks: [{ key: 2000, capacityBytes: GiB, encrypted: true, independent: true }] })),
        'CRYPT-CLEAR-ON-MEDIA',
      ),
    ).toBe(false);
  });
});

describe('backup plan and trust', () => {
  it('blocks on an untrusted certificate but not on a vCenter-managed host (reads only)', () => {
    expect(planBackup(facts({ connection: { thumbprintTrusted: false } })).ok).toBe(false);
    expect(planBackup(facts({ connection: { kind: 'esxi' } })).rulesApplied).not.toContain('CONN-HOST-MANAGED');
  });
  it('rejects unknown fields like the restore scenario', () => {
    const r = backupFactsSchema.safeParse({ disks: [{ key: 1, capacityBytes: 1, independant: true }] });
    expect(r.success).toBe(false);
  });
});
