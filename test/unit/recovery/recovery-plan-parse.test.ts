import { describe, expect, it } from 'vitest';
import { InvalidRecoveryPlanError, type RecoveryPlanIssue } from '../../../electron/recovery/recovery-plan-error';
import { parseRecoveryPlan } from '../../../electron/recovery/recovery-plan-parse';

const GOOD = `name: site A
repository: ../repo
connection: lab
defaults:
  datastore: LocalDS_0
  powerOn: true
groups:
  - name: core
    vms:
      - vm: dc01
      - vm: dns01
        point: latest before 2026-11-28T18:00:00Z
  - name: apps
    vms:
      - vm: app01
        powerOn: false
        point: 3fa9c2
`;

function issuesOf(text: string): RecoveryPlanIssue[] {
  try {
    parseRecoveryPlan(text, 'site.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRecoveryPlanError);
    expect((err as InvalidRecoveryPlanError).code).toBe('invalid-recovery-plan');
    expect((err as InvalidRecoveryPlanError).kind).toBe('bad-input');
    return [...(err as InvalidRecoveryPlanError).issues];
  }
  throw new Error('expected the plan to be refused');
}

describe('parseRecoveryPlan', () => {
  it('reads a valid plan; waitFor defaults to powered-on when the group powers on, else restored', () => {
    const plan = parseRecoveryPlan(GOOD, 'site.yaml');
    expect(plan.groups.map((g) => g.then.waitFor)).toEqual(['powered-on', 'restored']);
    expect(plan.groups[0]!.vms[1]).toEqual({ vm: 'dns01', point: 'latest before 2026-11-28T18:00:00Z' });
    expect(plan.groups[1]!.vms[0]).toEqual({ vm: 'app01', point: '3fa9c2', powerOn: false });
    expect(plan.limits).toEqual({ sanStreamsPerHost: 6, nbdStreamsPerHost: 50, hotaddStreamsPerHost: 15 });
  });

  it('names the line and column of a YAML syntax error', () => {
    const [issue, ...rest] = issuesOf('name: x\ngroups:\n  - name: a\n   vms: [\n');
    expect(rest.length).toBeGreaterThanOrEqual(0);
    expect(issue).toMatchObject({ file: 'site.yaml', path: '(file)' });
    expect(issue!.line).toBeGreaterThanOrEqual(3);
    expect(issue!.message).toMatch(/fix the YAML syntax/);
  });

  it('names an unknown key where it is written, with the key it probably meant', () => {
    const issues = issuesOf(GOOD.replace('      - vm: dns01\n', '      - vm: dns01\n        datstore: DS2\n'));
    expect(issues).toEqual([
      expect.objectContaining({ line: 12, column: 9, path: 'groups[0].vms[1].datstore', message: expect.stringContaining('unknown key "datstore" (did you mean "datastore"?)') }),
    ]);
  });

  it('names a wrong type, a missing field and a bad point selector by path and line', () => {
    const text = GOOD.replace('powerOn: false', 'powerOn: "yes"').replace('point: 3fa9c2', 'point: yesterday').replace('connection: lab\n', '');
    const issues = issuesOf(text);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath['connection']).toMatchObject({ line: 1, message: expect.stringContaining('is missing: add "connection:"') });
    expect(byPath['groups[1].vms[0].powerOn']).toMatchObject({ line: 15, column: 18, message: expect.stringContaining('expected true or false, got text "yes"') });
    expect(byPath['groups[1].vms[0].point']).toMatchObject({ line: 16, message: expect.stringContaining('latest before <time>') });
  });

  it('refuses a point time that is not an ISO time', () => {
    const issues = issuesOf(GOOD.replace('2026-11-28T18:00:00Z', 'last friday'));
    expect(issues).toEqual([expect.objectContaining({ line: 12, path: 'groups[0].vms[1].point', message: expect.stringContaining('does not name a time') })]);
  });

  it('refuses host together with cluster, in defaults or on a VM', () => {
    const issues = issuesOf(GOOD.replace('  powerOn: true\n', '  powerOn: true\n  host: esx-1\n  cluster: C1\n'));
    expect(issues).toEqual([expect.objectContaining({ line: 8, path: 'defaults.cluster', message: expect.stringContaining('either host or cluster') })]);
  });

  it('refuses waitFor powered-on for a group whose VMs are not powered on', () => {
    const issues = issuesOf(GOOD + '    then:\n      waitFor: powered-on\n');
    expect(issues).toEqual([
      expect.objectContaining({ line: 19, path: 'groups[1].then.waitFor', message: expect.stringMatching(/VM "app01" \(line 15\) is not powered on.*powerOn: true.*waitFor: restored/) }),
    ]);
  });

  it('refuses two groups with one name, and one VM listed twice, pointing at both places', () => {
    const text = GOOD.replace('name: apps', 'name: core').replace('vm: app01', 'vm: dc01');
    const issues = issuesOf(text);
    expect(issues).toEqual([
      expect.objectContaining({ line: 13, path: 'groups[1].name', message: expect.stringContaining('already used by groups[0] (line 8)') }),
      expect.objectContaining({ line: 15, path: 'groups[1].vms[0].vm', message: expect.stringContaining('already listed at groups[0].vms[0] (line 10)') }),
    ]);
  });

  it('says when a VM has no datastore at all', () => {
    const issues = issuesOf(GOOD.replace('  datastore: LocalDS_0\n', ''));
    expect(issues.map((i) => i.path)).toEqual(['groups[0].vms[0]', 'groups[0].vms[1]', 'groups[1].vms[0]']);
    expect(issues[0]!.message).toMatch(/set defaults.datastore/);
  });

  it('puts every problem in the error message as file:line:column: path: message', () => {
    try {
      parseRecoveryPlan(GOOD.replace('vm: app01', 'vm: dc01'), 'plans/site.yaml');
      throw new Error('not refused');
    } catch (err) {
      expect((err as Error).message).toContain('plans/site.yaml:15:13: groups[1].vms[0].vm: VM "dc01" is already listed');
      expect((err as InvalidRecoveryPlanError).hint).toContain('example-recovery-plan.yaml');
    }
  });
});

describe('the example plan in resources/', () => {
  it('is a valid plan', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const text = await readFile(join(__dirname, '../../../resources/recovery/example-recovery-plan.yaml'), 'utf8');
    const plan = parseRecoveryPlan(text, 'example-recovery-plan.yaml');
    expect(plan.groups.map((g) => [g.name, g.vms.length, g.then.waitFor])).toEqual([['identity', 2, 'powered-on'], ['databases', 2, 'powered-on'], ['applications', 2, 'restored']]);
  });
});
