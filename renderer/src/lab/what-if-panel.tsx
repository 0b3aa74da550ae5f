import { useEffect, useState, type ReactElement } from 'react';
import type { WhatIfPlanView, WhatIfScenarioRow } from '../../../electron/api/contract';
import { FormField } from '../app/form-field';
import { api } from '../bridge/api-access';
import { FACT_FIELDS, factValue, withFact, type FactField } from './what-if-facts';

function FactInput({ field, scenario, onChange }: { field: FactField; scenario: Record<string, unknown>; onChange: (s: Record<string, unknown>) => void }): ReactElement {
  const value = factValue(scenario, field);
  if (field.kind === 'flag') {
    return (
      <label className="checkbox">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(withFact(scenario, field, e.target.checked))} />
        {field.label}
      </label>
    );
  }
  return (
    <FormField label={field.label}>
      {({ id }) =>
        field.kind === 'choice' ? (
          <select id={id} value={String(value)} onChange={(e) => onChange(withFact(scenario, field, e.target.value))}>
            {field.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.text}
              </option>
            ))}
          </select>
        ) : (
          <input id={id} type="number" min={0} value={Number(value)} onChange={(e) => onChange(withFact(scenario, field, e.target.value))} />
        )
      }
    </FormField>
  );
}

/** What if: a shipped scenario, a few of its facts as a form, and the plan made again on every change. */
export function WhatIfPanel(): ReactElement {
  const [rows, setRows] = useState<WhatIfScenarioRow[]>([]);
  const [name, setName] = useState('');
  const [scenario, setScenario] = useState<Record<string, unknown> | null>(null);
  const [plan, setPlan] = useState<WhatIfPlanView | null>(null);

  useEffect(() => {
    void api()
      .whatIf.scenarios()
      .then((r) => {
        setRows(r);
        if (r[0]) {
          setName(r[0].name);
          setScenario(r[0].scenario);
        }
      });
  }, []);

  useEffect(() => {
    if (!scenario) return;
    let current = true;
    void api()
      .whatIf.plan({ scenario })
      .then((p) => current && setPlan(p));
    return () => {
      current = false;
    };
  }, [scenario]);

  const chosen = rows.find((r) => r.name === name);
  const blocks = plan?.findings.filter((f) => f.severity === 'block') ?? [];
  const verdict = !plan ? 'Planning…' : !plan.valid ? 'INVALID facts' : plan.ok ? 'OK: the plan can run' : `BLOCKED by ${blocks.map((b) => b.rule).join(', ')}`;
  return (
    <section className="card" aria-labelledby="what-if-heading">
      <h2 id="what-if-heading">What if</h2>
      <p className="muted">Pick a scenario and change its facts: the planner answers as it would for a real restore (no server needed).</p>
      <FormField label="Scenario" help={chosen?.description}>
        {({ id, describedBy }) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setScenario(rows.find((r) => r.name === e.target.value)?.scenario ?? null);
            }}
          >
            {rows.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        )}
      </FormField>
      {scenario ? (
        <div className="form-grid">
          {FACT_FIELDS.map((f) => (
            <FactInput key={f.path.join('.')} field={f} scenario={scenario} onChange={setScenario} />
          ))}
        </div>
      ) : null}
      <div className={`verdict ${plan?.ok ? 'verdict-ok' : 'verdict-blocked'}`} role="status" aria-live="polite" data-testid="what-if-verdict">
        {verdict}
      </div>
      {plan && !plan.valid ? (
        <ul>
          {plan.issues.map((i) => (
            <li key={i.path}>
              {i.path}: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {plan && plan.findings.length > 0 ? (
        <ul className="findings" aria-label="What the planner found" data-testid="what-if-findings">
          {plan.findings.map((f, i) => (
            <li key={`${f.rule}-${i}`} className={`finding-group finding-${f.severity}`}>
              <span className="rule-id">{f.rule}</span> ({f.severity}) {f.message}
              {f.remedy ? <div className="hint">{f.remedy}</div> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {plan?.valid ? (
        <p data-testid="what-if-transports">
          Transports: {plan.transports.map((t) => `${t.disk}: ${t.transport ?? 'none'}`).join('; ')}
        </p>
      ) : null}
    </section>
  );
}
