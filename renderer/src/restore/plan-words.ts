import type { PlanFinding, RestorePlanView } from '../../../electron/api/contract';

/**
 * Findings that leave the restored VM unable to boot (or its guest locked out)
 * if nothing is done: the summary shows them as a red line.
 */
const UNBOOTABLE_RULES = ['VTPM-FIRMWARE', 'VTPM-NVRAM-MISSING', 'CRYPT-KEYS-MISSING', 'CRYPT-KMS-MISMATCH', 'DATA-HW-VERSION'];

export function unbootableFindings(plan: RestorePlanView): PlanFinding[] {
  return plan.findings.filter((f) => f.severity !== 'info' && UNBOOTABLE_RULES.includes(f.rule));
}

/** The first blocking finding, in words: what the summary says after BLOCKED. */
export function blockedBy(plan: RestorePlanView): PlanFinding | undefined {
  return plan.findings.find((f) => f.severity === 'block');
}

export const TRANSPORT_LABEL: Record<string, string> = { san: 'SAN', hotadd: 'HotAdd', nbdssl: 'NBDSSL', nbd: 'NBD' };

export function durationWords(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min`;
  return `about ${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
