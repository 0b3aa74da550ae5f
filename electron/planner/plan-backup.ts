import type { BackupFacts } from './backup-facts';
import { collectRules, numberSteps, sortFindings } from './plan-order';
import type { Finding, PlanStep } from './plan-types';
import type { RuleId } from './rule-catalogue';
import { backupFindings, backupSteps } from './rules/backup-rules';
import { connectionFindings } from './rules/connection-rules';

export interface BackupDiskPlan {
  key: number;
  /** allocated: first backup; changed: incremental (changed areas that are allocated); skip: independent. */
  read: 'allocated' | 'changed' | 'skip';
}

export interface BackupPlan {
  ok: boolean;
  vm: string;
  disks: BackupDiskPlan[];
  findings: Finding[];
  steps: PlanStep[];
  rulesApplied: RuleId[];
}

/** Plans a backup from facts; pure like planRestore. */
export function planBackup(f: BackupFacts): BackupPlan {
  const diskOrder = f.disks.map((d) => d.key);
  // CONN-HOST-MANAGED concerns writes only; the trust rules apply to every session.
  const findings = sortFindings([...connectionFindings(f.connection, null, 'backup'), ...backupFindings(f)], diskOrder);
  const steps = numberSteps(backupSteps(f), diskOrder);
  return {
    ok: !findings.some((x) => x.severity === 'block'),
    vm: f.vm.name,
    disks: f.disks.map((d) => ({ key: d.key, read: d.independent ? 'skip' : f.firstBackup ? 'allocated' : 'changed' })),
    findings,
    steps,
    rulesApplied: collectRules({ findings, steps, more: [] }),
  };
}
