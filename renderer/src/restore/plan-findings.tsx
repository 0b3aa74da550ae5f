import type { ReactElement } from 'react';
import type { PlanFinding } from '../../../electron/api/contract';

/** The pitfalls Lifeboat is known for warning about: never buried among other findings. */
export function isSpotlightRule(rule: string): boolean {
  return (
    rule === 'XPORT-SAN-THIN-SLOW' ||
    rule === 'STEP-WINDOWS-SIGNATURE' ||
    rule === 'DATA-INDEPENDENT-DISK' ||
    rule.startsWith('VTPM-') ||
    rule.startsWith('CRYPT-')
  );
}

const GROUPS: Array<{ severity: PlanFinding['severity']; title: string; className: string }> = [
  { severity: 'block', title: 'Blocking', className: 'finding-block' },
  { severity: 'warn', title: 'Warnings', className: 'finding-warn' },
  { severity: 'info', title: 'Information', className: 'finding-info' },
];

function FindingItem({ finding, diskLabel }: { finding: PlanFinding; diskLabel?: string }): ReactElement {
  const spotlight = isSpotlightRule(finding.rule);
  return (
    <li className={`finding${spotlight ? ' finding-spotlight' : ''}`} data-testid={`finding-${finding.rule}`}>
      <p>
        {diskLabel ? <span className="muted">{diskLabel}: </span> : null}
        {finding.message} <code className="rule-tag rule-id">{finding.rule}</code>
      </p>
      <p className="hint">What to do: {finding.remedy}</p>
      <details className="why">
        <summary>Why (rule {finding.rule})</summary>
        <p>
          {finding.ruleTitle ? <strong>{finding.ruleTitle}. </strong> : null}
          The planner applied the restore rule {finding.rule}
          {finding.transport ? ` to the ${finding.transport.toUpperCase()} transport` : ''}
          {diskLabel ? ` for ${diskLabel}` : ''}. Its severity here is {finding.severity === 'block' ? 'blocking: the restore cannot start' : finding.severity === 'warn' ? 'a warning: the restore can start' : 'information only'}. The rule is described in the restore rules catalogue under this ID.
        </p>
      </details>
    </li>
  );
}

/** Findings grouped block / warn / info in plain sentences, each with its rule ID as a small tag and a "why" for trainers. */
export function PlanFindings({ findings, diskLabels }: { findings: PlanFinding[]; diskLabels: Record<number, string> }): ReactElement {
  return (
    <div className="findings">
      {GROUPS.map((g) => {
        const list = findings
          .filter((f) => f.severity === g.severity)
          .sort((a, b) => Number(isSpotlightRule(b.rule)) - Number(isSpotlightRule(a.rule)));
        if (list.length === 0) return null;
        return (
          <section key={g.severity} className={`finding-group ${g.className}`} aria-label={`${g.title} (${list.length})`}>
            <h3>
              {g.title} ({list.length})
            </h3>
            <ul>
              {list.map((f, i) => (
                <FindingItem key={`${f.rule}-${f.disk ?? 'vm'}-${i}`} finding={f} diskLabel={f.disk === undefined ? undefined : diskLabels[f.disk]} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
