import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { WhatIfPlanView, WhatIfScenarioRow } from '../api/schemas/what-if-schema';
import { planRestore } from '../planner/plan-restore';
import { parseScenario } from '../planner/scenario-parse';

/** resources/scenarios next to the source tree, the build output, or in the packaged app (as the demo finds resources/demo). */
async function scenariosDir(): Promise<string | null> {
  const candidates: string[] = [];
  for (let dir = __dirname, i = 0; i < 6; i++, dir = dirname(dir)) candidates.push(join(dir, 'resources', 'scenarios'));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) candidates.push(join(packaged, 'scenarios'));
  for (const c of candidates) {
    if ((await readdir(c).catch(() => null)) !== null) return c;
  }
  return null;
}

/** whatIf.scenarios: the shipped scenarios, each with its description. */
export async function listWhatIfScenarios(): Promise<WhatIfScenarioRow[]> {
  const dir = await scenariosDir();
  if (!dir) return [];
  const rows: WhatIfScenarioRow[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
    const scenario = JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>;
    rows.push({ name: file.replace(/\.json$/, ''), description: typeof scenario.description === 'string' ? scenario.description : '', scenario });
  }
  return rows;
}

/** whatIf.plan: the same pure planner `lifeboat plan --scenario` runs; bad facts come back as issues, not errors. */
export function planWhatIf(value: Record<string, unknown>): WhatIfPlanView {
  const parsed = parseScenario(value);
  if (!parsed.ok) return { valid: false, issues: parsed.issues, ok: false, findings: [], steps: [], transports: [] };
  const plan = planRestore(parsed.scenario);
  return {
    valid: true,
    issues: [],
    ok: plan.ok,
    findings: plan.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, remedy: f.remedy })),
    steps: plan.steps.map((s) => ({ rule: s.rule, description: s.description })),
    transports: plan.disks.map((d) => ({ disk: d.label, transport: d.transport })),
  };
}
