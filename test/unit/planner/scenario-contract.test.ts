import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import { scenario } from './scenario-builder';

const here = path.dirname(fileURLToPath(import.meta.url));
const contractDoc = path.resolve(here, '../../..', '../shared/docs/plan-scenario.md');

/** The jsonc examples of plan-scenario.md as plain JSON values: [input, output]. */
function contractExamples(): unknown[] {
  const text = readFileSync(contractDoc, 'utf8');
  return [...text.matchAll(/```jsonc\n([\s\S]*?)```/g)].map((m) => {
    const json = m[1]!
      .split('\n')
      .map((line) => line.replace(/\s+\/\/.*$/, ''))
      .join('\n')
      .replace(/"\.\.\."/g, '""');
    return JSON.parse(json);
  });
}

describe('scenario contract (plan-scenario.md)', () => {
  it('parses the documented example and plans it with every contract field', () => {
    const [input, output] = contractExamples();
    const r = parseScenario(input);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const plan = planRestore(r.scenario);
    expect(Object.keys(output as object).every((k) => k in plan)).toBe(true);
    expect(typeof plan.ok).toBe('boolean');
    expect(typeof plan.streamsPerHost).toBe('number');
    const d = plan.disks[0]!;
    for (const k of ['key', 'transport', 'excluded', 'ioBytes', 'unbuffered']) expect(d).toHaveProperty(k);
    expect(d.key).toBe(2000);
    for (const f of plan.findings) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['rule', 'severity', 'message', 'remedy']));
      expect(f.message.length).toBeGreaterThan(0);
    }
    for (const s of plan.steps) expect(Object.keys(s)).toEqual(expect.arrayContaining(['rule', 'order', 'description']));
  });

  it('applies every documented default to omitted fields', () => {
    const [input] = contractExamples() as [Record<string, unknown>];
    const minimal = parseScenario({
      restorePoint: { disks: [{ key: 2000, capacityBytes: 42949672960, allocatedBytes: 10737418240, label: 'Hard disk 1' }] },
    });
    expect(minimal.ok).toBe(true);
    if (!minimal.ok) return;
    const full = parseScenario(input);
    if (!full.ok) throw new Error('example invalid');
    // The contract's example lists exactly the defaults, so both parse to the same facts.
    expect(minimal.scenario).toEqual(full.scenario);
  });

  it('rejects unknown fields by name and path, every one of them', () => {
    const r = parseScenario({
      workstation: { kidn: 'vm' },
      restorePoint: { disks: [{ key: 2000, capacityBytes: 1024, provisoning: 'thin' }] },
      option: {},
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual(
      expect.arrayContaining([
        { path: 'workstation.kidn', message: 'unknown field' },
        { path: 'restorePoint.disks[0].provisoning', message: 'unknown field' },
        { path: 'option', message: 'unknown field' },
      ]),
    );
    expect(r.issues).toHaveLength(3);
  });

  it('reports wrong types, bad enum values and missing required fields by path', () => {
    const r = parseScenario({
      options: { transport: 'fibre', concurrentStreams: 'four' },
      restorePoint: { disks: [{ key: 2000 }] },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['options.transport', 'options.concurrentStreams', 'restorePoint.disks[0].capacityBytes']),
    );
    expect(r.issues.find((i) => i.path === 'restorePoint.disks[0].capacityBytes')!.message).toMatch(/required/);
  });

  it('rejects duplicate disk keys and allocation above capacity', () => {
    const r = parseScenario({
      restorePoint: {
        disks: [
          { key: 1, capacityBytes: 10, allocatedBytes: 20 },
          { key: 1, capacityBytes: 10 },
        ],
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['restorePoint.disks[0].allocatedBytes', 'restorePoint.disks[1].key']),
    );
  });
});

describe('planRestore purity and ok', () => {
  it('is deterministic and does not change its input', () => {
    const s = scenario({ workstation: { kind: 'vm' }, restorePoint: { vm: { encrypted: true, vtpm: true } } });
    const before = structuredClone(s);
    const a = planRestore(s);
    const b = planRestore(s);
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(s).toEqual(before);
  });
  it('is ok exactly when no finding is a block', () => {
    const cases = [
      scenario(),
      scenario({ connection: { thumbprintTrusted: false } }),
      scenario({ options: { transport: 'san' } }),
      scenario({ connection: { resolves: false } }),
      scenario({ target: { datastore: { freeBytes: 0 } } }),
    ];
    for (const s of cases) {
      const plan = planRestore(s);
      expect(plan.ok).toBe(!plan.findings.some((f) => f.severity === 'block'));
    }
  });
  it('reports every rule once per disk (or once VM-wide)', () => {
    const plan = planRestore(
      scenario({
        workstation: { kind: 'vm' },
        restorePoint: {
          disks: [
            { key: 1, capacityBytes: 1024, controller: 'ide' },
            { key: 2, capacityBytes: 1024, controller: 'ide' },
          ],
        },
      }),
    );
    const keys = plan.findings.map((f) => `${f.rule}/${f.disk ?? '-'}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
  it('lists findings blocks first, then warnings, then notes', () => {
    const plan = planRestore(scenario({ connection: { thumbprintTrusted: false, resolves: false } }));
    const ranks = plan.findings.map((f) => ({ block: 0, warn: 1, info: 2 })[f.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });
});
