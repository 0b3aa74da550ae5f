import { describe, expect, it } from 'vitest';
// @ts-expect-error the bench is plain JavaScript (an .mjs module without types)
import { rangeCheck, readBenchArgs, runsCheck, sizeCheck } from '../../bench/bench-args.mjs';

// The spec restore-ratios-bench and lab-restore-bench read: --size in MiB (a multiple of 16, at least 64), --runs.
const spec = {
  defaults: { sizeMiB: 1024, runs: 3, json: false, keep: false },
  flags: { '--json': 'json', '--keep': 'keep' },
  options: { '--size': ['sizeMiB', Number], '--runs': ['runs', Number] },
  checks: [sizeCheck(64, 16), runsCheck],
};

describe("the benches' command line (test/bench/bench-args.mjs)", () => {
  it('starts from the defaults and sets flags and option values', () => {
    expect(readBenchArgs([], spec)).toEqual({ args: { sizeMiB: 1024, runs: 3, json: false, keep: false } });
    expect(readBenchArgs(['--json', '--size', '128', '--runs', '5', '--keep'], spec)).toEqual({
      args: { sizeMiB: 128, runs: 5, json: true, keep: true },
    });
  });

  it('answers --help and -h before any check, whatever else is on the line', () => {
    expect(readBenchArgs(['--size', '7', '--help'], spec)).toEqual({ help: true });
    expect(readBenchArgs(['-h'], spec)).toEqual({ help: true });
  });

  it('names an argument it does not know', () => {
    expect(readBenchArgs(['--sise', '64'], spec)).toEqual({ error: 'unknown argument --sise' });
  });

  it('refuses a --size that is not a whole number of MiB, not a multiple, or too small, with the rule in the message', () => {
    const message = '--size must be a whole number of MiB, a multiple of 16, at least 64';
    for (const size of ['48', '72', '64.5', 'abc']) expect(readBenchArgs(['--size', size], spec)).toEqual({ error: message });
    expect(readBenchArgs(['--size'], spec)).toEqual({ error: message });
    expect(readBenchArgs(['--size', '80'], spec).args.sizeMiB).toBe(80);
  });

  it('says the size rule without a multiple when the bench has none', () => {
    expect(sizeCheck(8)({ sizeMiB: 7 })).toBe('--size must be a whole number of MiB, at least 8');
    expect(sizeCheck(8)({ sizeMiB: 9 })).toBeNull();
  });

  it('checks in order: the first rule broken is the one reported', () => {
    expect(readBenchArgs(['--size', '1', '--runs', '0'], spec)).toEqual({
      error: '--size must be a whole number of MiB, a multiple of 16, at least 64',
    });
    expect(readBenchArgs(['--runs', '0'], spec)).toEqual({ error: '--runs must be at least 1' });
    expect(readBenchArgs(['--runs', '1.5'], spec)).toEqual({ error: '--runs must be at least 1' });
  });

  it('keeps a range with its bounds and its reason in the message', () => {
    const vms = rangeCheck('--vms', 'vms', 1, 30, 'the site has 30 VMs');
    expect(vms({ vms: 0 })).toBe('--vms must be a whole number from 1 to 30 (the site has 30 VMs)');
    expect(vms({ vms: 31 })).toBe('--vms must be a whole number from 1 to 30 (the site has 30 VMs)');
    expect(vms({ vms: 30 })).toBeNull();
    expect(rangeCheck('--points', 'points', 1, 500)({ points: 501 })).toBe(
      '--points must be a whole number from 1 to 500',
    );
  });
});
