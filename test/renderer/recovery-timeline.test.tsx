import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RecoveryTimeline } from '../../renderer/src/recovery/recovery-timeline';
import { axisTicks, tickLabel } from '../../renderer/src/recovery/timeline-scale';
import { finishedProgress, runningProgress } from './recovery-fixtures';

const at = (iso: string) => Date.parse(iso);
const width = (id: string) => Number(screen.getByTestId(id).getAttribute('width'));
const left = (id: string) => Number(screen.getByTestId(id).getAttribute('x'));

describe('recovery timeline', () => {
  it('has one row per VM under its group, in the groups\' order, and names itself for screen readers', () => {
    render(<RecoveryTimeline progress={runningProgress} now={at('2026-11-29T10:02:30Z')} />);
    const chart = screen.getByTestId('recovery-timeline');
    expect(chart.getAttribute('role')).toBe('img');
    expect(screen.getByRole('img', { name: /Timeline of Site A failover: 3 VMs in 2 groups over 2 min 30 s/ })).toBeTruthy();
    const order = [...chart.querySelectorAll('[data-testid^="timeline-group-"], [data-testid^="timeline-row-"]')].map((e) => e.getAttribute('data-testid'));
    expect(order).toEqual(['timeline-group-Directory', 'timeline-row-dc01', 'timeline-group-Databases', 'timeline-row-sql01', 'timeline-row-sql02']);
  });

  it('draws bars from start to finish, none for a VM not started, and an "up" marker for a group that is up', () => {
    render(<RecoveryTimeline progress={runningProgress} now={at('2026-11-29T10:02:30Z')} />);
    expect(screen.getByTestId('timeline-bar-dc01')).toBeTruthy();
    expect(screen.getByTestId('timeline-bar-sql01')).toBeTruthy();
    expect(screen.queryByTestId('timeline-bar-sql02')).toBeNull();
    // dc01 ran 0:00–0:50; sql01 started at 1:30, after dc01 ended.
    expect(left('timeline-bar-sql01')).toBeGreaterThan(left('timeline-bar-dc01') + width('timeline-bar-dc01'));
    expect(within(screen.getByTestId('timeline-up-Directory')).getByText('up')).toBeTruthy();
    expect(screen.queryByTestId('timeline-up-Databases')).toBeNull();
    // The table alternative says the same.
    expect(screen.getByTestId('timeline-table-dc01').textContent).toContain('succeeded0 s50 s');
    expect(screen.getByTestId('timeline-table-sql01').textContent).toContain('running1 min 30 s1 min so far');
    expect(screen.getByTestId('timeline-table-sql02').textContent).toContain('waiting——');
  });

  it('a running VM\'s bar grows as time passes; a finished one keeps its length on the same axis', () => {
    const { rerender } = render(<RecoveryTimeline progress={runningProgress} now={at('2026-11-29T10:02:00Z')} />);
    const early = width('timeline-bar-sql01') / width('timeline-bar-dc01');
    rerender(<RecoveryTimeline progress={runningProgress} now={at('2026-11-29T10:04:00Z')} />);
    const later = width('timeline-bar-sql01') / width('timeline-bar-dc01');
    // 30 s against dc01's 50 s, then 150 s against 50 s.
    expect(early).toBeCloseTo(30 / 50, 1);
    expect(later).toBeCloseTo(150 / 50, 1);
  });

  it('a finished recovery ends at its finish time whatever the clock says, with every group up', () => {
    render(<RecoveryTimeline progress={finishedProgress} now={at('2026-11-29T12:00:00Z')} />);
    expect(screen.getByRole('img', { name: /over 5 min;/ })).toBeTruthy();
    expect(screen.getByTestId('timeline-up-Databases')).toBeTruthy();
    expect(screen.getAllByTestId(/^timeline-bar-/)).toHaveLength(3);
  });

  it('puts its axis on round steps', () => {
    expect(axisTicks(300)).toEqual([0, 60, 120, 180, 240, 300]);
    expect(axisTicks(45)).toEqual([0, 10, 20, 30, 40]);
    expect(axisTicks(45).map(tickLabel)).toEqual(['0', '10 s', '20 s', '30 s', '40 s']);
    expect(tickLabel(5400)).toBe('1 h 30');
  });
});
