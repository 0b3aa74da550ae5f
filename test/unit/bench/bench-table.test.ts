import { describe, expect, it } from 'vitest';
// @ts-expect-error the bench is plain JavaScript (an .mjs module without types)
import { tableLines } from '../../bench/bench-table.mjs';

describe("the benches' text table (test/bench/bench-table.mjs)", () => {
  it('pads every column to its widest cell, two spaces apart, with no trailing spaces', () => {
    expect(
      tableLines([
        ['workload', 'Lifeboat s', 'goal'],
        ['restore', '0.93', '≤ 0.5'],
        ['import vs restic backup', '12.10', ''],
      ]),
    ).toEqual([
      'workload                 Lifeboat s  goal',
      'restore                  0.93        ≤ 0.5',
      'import vs restic backup  12.10',
    ]);
  });
});
