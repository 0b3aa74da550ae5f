import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error the bench is plain JavaScript (an .mjs module without types)
import { formatCpuProfile, summariseCpuProfile } from '../../bench/cpu-profile-summary.mjs';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
  scriptId: '0',
});

// (root) → runCli (cli.cjs) → scanPoints → list → stat; (root) → (idle); (root) → (garbage collector).
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
    { id: 2, callFrame: frame('runCli', 'file:///x/lab-restore-bench-cli.cjs', 9), children: [3] },
    { id: 3, callFrame: frame('scanPoints', 'file:///x/lab-restore-bench-cli.cjs', 99), children: [4] },
    { id: 4, callFrame: frame('list', 'file:///x/lab-restore-bench-cli.cjs', 199), children: [5] },
    { id: 5, callFrame: frame('stat'), children: [] },
    { id: 6, callFrame: frame('(idle)'), children: [] },
    { id: 7, callFrame: frame('(garbage collector)'), children: [] },
  ],
  startTime: 0,
  endTime: 2_000_000,
  // 10 samples: stat 4, list 1, scanPoints 1, idle 3, GC 1.
  samples: [5, 5, 5, 5, 4, 3, 6, 6, 6, 7],
};

describe("the bench's CPU profile summary (test/bench/cpu-profile-summary.mjs)", () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-cpu-profile-'));
    file = join(dir, 'x.cpuprofile');
    await writeFile(file, JSON.stringify(profile));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gives idle, GC, self time per function and the time on the stack of the functions asked for', () => {
    const s = summariseCpuProfile(file, 3, ['scanPoints', 'list', 'runCli', 'verifyRepository']);
    expect(s.totalMs).toBe(2000);
    expect(s.idle).toBeCloseTo(0.3);
    expect(s.gc).toBeCloseTo(0.1);
    expect(s.top.map((t: { fn: string }) => t.fn)).toEqual([
      'stat',
      '(idle)',
      expect.stringMatching(/^(list|scanPoints|\(garbage collector\))/),
    ]);
    expect(s.top[0].share).toBeCloseTo(0.4);
    expect(s.inclusive).toEqual({ scanPoints: 0.6, list: 0.5, runCli: 0.6, verifyRepository: 0 });
    expect(s.scripts).toEqual(['lab-restore-bench-cli.cjs']);
  });

  it('prints one line without the idle and GC entries among the busiest functions', () => {
    const line = formatCpuProfile(summariseCpuProfile(file, 8, ['list']), 2);
    expect(line).toMatch(/^2\.0 s, idle 30 %, GC 10 %: stat 40 %, /);
    expect(line).toMatch(/on the stack \(callees included\): list 50 %$/);
  });
});
