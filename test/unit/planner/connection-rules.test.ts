import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { findings, fired, scenario } from './scenario-builder';

describe('CONN-HOST-MANAGED', () => {
  it('fires as a block when connected straight to an ESXi host that vCenter manages', () => {
    const plan = planRestore(
      scenario({ connection: { kind: 'esxi', server: 'esx07.test' }, target: { host: { managementServerIp: '10.0.0.5' } } }),
    );
    const [f, ...rest] = findings(plan, 'CONN-HOST-MANAGED');
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ severity: 'block' });
    expect(f!.disk).toBeUndefined();
    expect(f!.remedy).toContain('10.0.0.5');
    expect(plan.ok).toBe(false);
  });
  it('does not fire for a standalone ESXi host, nor through vCenter', () => {
    const standalone = planRestore(
      scenario({ connection: { kind: 'esxi', server: 'esx07.test' }, target: { host: { managementServerIp: null } } }),
    );
    expect(fired(standalone, 'CONN-HOST-MANAGED')).toBe(false);
    expect(standalone.ok).toBe(true);
    const viaVcenter = planRestore(
      scenario({ connection: { kind: 'vcenter' }, target: { host: { managementServerIp: '10.0.0.5' } } }),
    );
    expect(fired(viaVcenter, 'CONN-HOST-MANAGED')).toBe(false);
  });
});

describe('CONN-DNS', () => {
  it('fires as a warning when the server name does not resolve', () => {
    const plan = planRestore(scenario({ connection: { resolves: false } }));
    expect(findings(plan, 'CONN-DNS')).toEqual([expect.objectContaining({ severity: 'warn' })]);
    expect(plan.ok).toBe(true);
  });
  it('does not fire when the name resolves', () => {
    expect(fired(planRestore(scenario({ connection: { resolves: true } })), 'CONN-DNS')).toBe(false);
  });
});

describe('CONN-THUMBPRINT', () => {
  it('fires as a block for an untrusted certificate', () => {
    const plan = planRestore(scenario({ connection: { thumbprintTrusted: false } }));
    expect(findings(plan, 'CONN-THUMBPRINT')).toEqual([expect.objectContaining({ severity: 'block' })]);
    expect(plan.ok).toBe(false);
  });
  it('fires and calls a changed thumbprint a possible interception', () => {
    const plan = planRestore(scenario({ connection: { thumbprintTrusted: true, thumbprintChanged: true } }));
    const f = findings(plan, 'CONN-THUMBPRINT');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/interception/);
    expect(plan.ok).toBe(false);
  });
  it('does not fire for a trusted, unchanged certificate', () => {
    expect(fired(planRestore(scenario()), 'CONN-THUMBPRINT')).toBe(false);
  });
});
