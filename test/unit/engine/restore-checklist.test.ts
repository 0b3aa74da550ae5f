import { describe, expect, it } from 'vitest';
import { runningChecklist } from '../../../electron/engine/restore-checklist';
import type { Plan } from '../../../electron/planner/plan-types';

const plan = {
  steps: [
    { rule: 'STEP-CONFIG-FROM-CONFIGINFO', order: 1, phase: 'create-vm', description: 'create' },
    { rule: 'STEP-PREPARE-ACCESS', order: 2, phase: 'prepare-access', description: 'prepare' },
    { rule: 'XPORT-ALIGNED-BUFFERS', order: 3, phase: 'write-disks', description: 'write' },
    { rule: 'STEP-PREPARE-ACCESS', order: 4, phase: 'end-access', description: 'end' },
  ],
} as unknown as Plan;

describe('the run page checklist', () => {
  it('marks phases before the current one done, the current one running, and phases the plan does not name skipped', () => {
    const list = runningChecklist(plan, 'write-disks');
    const status = Object.fromEntries(list.map((c) => [c.phase, c.status]));
    expect(status).toMatchObject({ 'create-vm': 'done', 'prepare-access': 'done', 'write-disks': 'running', 'end-access': 'pending', 'power-on': 'skipped', cleanup: 'skipped' });
    expect(list.find((c) => c.phase === 'power-on')?.rule).toBe('STEP-POWER-ON');
  });

  it('has nothing done before the job reports its first phase', () => {
    expect(runningChecklist(plan, null).filter((c) => c.status === 'done' || c.status === 'running')).toEqual([]);
  });
});
