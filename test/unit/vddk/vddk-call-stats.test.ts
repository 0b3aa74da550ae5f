import { describe, expect, it } from 'vitest';
import { buildRestoreReport, renderReportHtml } from '../../../electron/restore/restore-report';
import {
  defaultVddkTrace,
  describeVddkArgs,
  mergeVddkCallSummaries,
  VddkCallStats,
} from '../../../electron/vddk/vddk-call-stats';

describe('VDDK call stats', () => {
  it('counts calls, errors and time per VDDK function, leaving out pings', () => {
    const s = new VddkCallStats();
    s.record('read', 2.04, true);
    s.record('read', 1.01, false);
    s.record('queryAllocatedBlocks', 900, true);
    s.record('ping', 1, true);
    expect(s.summary()).toEqual({
      QueryAllocatedBlocks: { calls: 1, errors: 0, totalMs: 900 },
      Read: { calls: 2, errors: 1, totalMs: 3.1 },
    });
    expect(mergeVddkCallSummaries(s.summary(), { Read: { calls: 1, errors: 0, totalMs: 1 } }).Read).toEqual({
      calls: 3,
      errors: 1,
      totalMs: 4.1,
    });
  });

  it('never shows a password, cookie or key in a trace', () => {
    const text = describeVddkArgs([{ server: 'vc', userName: 'u', password: 'p4ss', cookie: 'c00kie', key: 'k3y' }, 'x'], 512);
    expect(text).toBe('{server="vc" userName="u" password=*** cookie=*** key=***}, "x", <512 bytes>');
  });

  it('traces at debug level only when asked', () => {
    expect(defaultVddkTrace({})).toBeUndefined();
    expect(defaultVddkTrace({ LIFEBOAT_DEBUG: 'repo,vddk' })).toBeTypeOf('function');
  });

  it('lands in the restore report and its HTML page', () => {
    const report = buildRestoreReport({
      jobId: 'j',
      kind: 'full-vm',
      target: 't',
      repository: 'r',
      pointId: 'p',
      pointCreatedAt: null,
      plan: { vm: 'vm', findings: [] } as never,
      outcome: {
        ok: true,
        cancelled: false,
        vm: null,
        phases: [],
        disks: [],
        errors: [],
        warnings: [],
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:00:01Z',
      },
      vddkCalls: { Write: { calls: 7, errors: 0, totalMs: 12.5 } },
    });
    expect(report.vddkCalls.Write?.calls).toBe(7);
    expect(renderReportHtml(report)).toContain('<td>Write</td><td>7</td><td>0</td><td>12.5</td>');
  });
});
