import type { ReactElement } from 'react';
import type { RecoveryFinding } from '../../../electron/api/contract';

const SEVERITY_LABEL: Record<RecoveryFinding['severity'], string> = { block: 'Blocks', warn: 'Warning', info: 'Note' };

/** Where a finding applies, in words: "ds-bulk", "host esx-2", "sql01 (Databases)". */
function scopeOf(f: RecoveryFinding): string | null {
  const parts = [f.datastore ? `datastore ${f.datastore}` : null, f.host ? `host ${f.host}` : null, f.vm ? `VM ${f.vm}` : null, f.group && !f.vm ? `group ${f.group}` : null];
  const text = parts.filter(Boolean).join(', ');
  return text || null;
}

/** Findings, blocking ones first, each with its rule ID and what to do about it; notes folded under a summary naming their rules. */
export function RecoveryFindings({ findings, label }: { findings: RecoveryFinding[]; label: string }): ReactElement | null {
  if (findings.length === 0) return null;
  const order = { block: 0, warn: 1, info: 2 };
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  const shown = sorted.filter((f) => f.severity !== 'info');
  const notes = sorted.filter((f) => f.severity === 'info');
  // Notes (why a transport was not chosen, and the like) stay one click away, so blocks and warnings stand out in a long plan.
  return (
    <>
      {shown.length > 0 ? <FindingList findings={shown} label={label} /> : null}
      {notes.length > 0 ? (
        <details className="disclosure recovery-notes">
          <summary>
            {notes.length} note{notes.length === 1 ? '' : 's'} ({notes.map((f) => f.rule).join(', ')})
          </summary>
          <FindingList findings={notes} label={`${label}: notes`} />
        </details>
      ) : null}
    </>
  );
}

function FindingList({ findings, label }: { findings: RecoveryFinding[]; label: string }): ReactElement {
  return (
    <ul className="recovery-findings" aria-label={label}>
      {findings.map((f, i) => {
        const scope = scopeOf(f);
        return (
          <li key={`${f.rule}-${i}`} className={`recovery-finding severity-${f.severity}`} data-testid={`recovery-finding-${f.rule}`}>
            <span className={`severity severity-${f.severity}`}>{SEVERITY_LABEL[f.severity]}</span> <code className="rule-tag rule-id">{f.rule}</code>
            {scope ? <span className="muted"> {scope}: </span> : ' '}
            {f.message}
            <div className="hint">What to do: {f.remedy}</div>
          </li>
        );
      })}
    </ul>
  );
}
