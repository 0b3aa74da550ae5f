import type { ReactElement } from 'react';
import type { RecoveryProgress, RecoveryVmProgress } from '../../../electron/api/contract';
import { formatDuration } from './recovery-words';
import { axisTicks, tickLabel } from './timeline-scale';

const LABEL_W = 170;
const CHART_W = 560;
const ROW_H = 22;
const GROUP_H = 24;
const AXIS_H = 28;
const PAD = 8;

const seconds = (from: string, to: number): number => Math.max(0, (to - Date.parse(from)) / 1000);

/** Where a VM's bar ends: its finish, or now while it runs (the bar grows); null: it has not started. */
function barSpan(vm: RecoveryVmProgress, startMs: number, nowMs: number): { from: number; to: number } | null {
  if (!vm.startedAt) return null;
  const end = vm.finishedAt ? Date.parse(vm.finishedAt) : vm.state === 'running' ? nowMs : Date.parse(vm.startedAt);
  return { from: Math.max(0, (Date.parse(vm.startedAt) - startMs) / 1000), to: Math.max(0, (end - startMs) / 1000) };
}

type Row = { kind: 'group'; name: string; upAt: string | null } | { kind: 'vm'; vm: RecoveryVmProgress };

/**
 * The recovery as a timeline: one row per VM under its group, bars from start
 * to finish (a running bar grows to now), each group's "up" marker and a time
 * axis. The table under it says the same for screen readers and keyboards.
 */
export function RecoveryTimeline({ progress, now }: { progress: RecoveryProgress; now: number }): ReactElement {
  const startMs = Date.parse(progress.startedAt);
  const endMs = progress.finishedAt ? Date.parse(progress.finishedAt) : now;
  const span = Math.max(1, (endMs - startMs) / 1000);
  const ticks = axisTicks(span);
  const scaleEnd = Math.max(span, ticks.at(-1) ?? span);
  const x = (s: number): number => LABEL_W + (Math.min(s, scaleEnd) / scaleEnd) * CHART_W;

  const rows: Row[] = progress.groups.flatMap((g): Row[] => [
    { kind: 'group', name: g.name, upAt: g.upAt },
    ...progress.vms.filter((v) => v.group === g.name).map((vm): Row => ({ kind: 'vm', vm })),
  ]);
  let y = PAD;
  const placed = rows.map((row) => {
    const top = y;
    y += row.kind === 'group' ? GROUP_H : ROW_H;
    return { row, top };
  });
  const chartBottom = y;
  const height = chartBottom + AXIS_H;

  return (
    <section className="card" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <div className="timeline-scroll">
        <svg
          className="timeline"
          viewBox={`0 0 ${LABEL_W + CHART_W + PAD * 2} ${height}`}
          role="img"
          aria-labelledby="timeline-title"
          data-testid="recovery-timeline"
        >
          <title id="timeline-title">
            {`Timeline of ${progress.name}: ${progress.vms.length} VMs in ${progress.groups.length} groups over ${formatDuration(span)}; the table below lists the same.`}
          </title>
          {ticks.map((t) => (
            <g key={t} className="timeline-tick">
              <line x1={x(t)} x2={x(t)} y1={PAD} y2={chartBottom} />
              <text x={x(t)} y={chartBottom + 16} textAnchor="middle">
                {tickLabel(t)}
              </text>
            </g>
          ))}
          {placed.map(({ row, top }) => {
            if (row.kind === 'group') {
              const groupRows = placed.filter((p) => p.row.kind === 'vm' && p.row.vm.group === row.name);
              const bottom = groupRows.length > 0 ? groupRows.at(-1)!.top + ROW_H : top + GROUP_H;
              return (
                <g key={`group-${row.name}`} data-testid={`timeline-group-${row.name}`}>
                  <text className="timeline-group" x={PAD} y={top + 16}>
                    {row.name}
                  </text>
                  {row.upAt ? (
                    <g className="timeline-up" data-testid={`timeline-up-${row.name}`}>
                      <title>{`${row.name} up after ${formatDuration(seconds(progress.startedAt, Date.parse(row.upAt)))}`}</title>
                      <line x1={x(seconds(progress.startedAt, Date.parse(row.upAt)))} x2={x(seconds(progress.startedAt, Date.parse(row.upAt)))} y1={top + 4} y2={bottom} />
                      <text x={x(seconds(progress.startedAt, Date.parse(row.upAt))) + 4} y={top + 15}>
                        up
                      </text>
                    </g>
                  ) : null}
                </g>
              );
            }
            const bar = barSpan(row.vm, startMs, now);
            return (
              <g key={`vm-${row.vm.vm}`} data-testid={`timeline-row-${row.vm.vm}`}>
                <text className="timeline-vm" x={PAD + 12} y={top + 15}>
                  {row.vm.vm}
                </text>
                {bar ? (
                  <rect
                    className={`timeline-bar bar-${row.vm.state}`}
                    data-testid={`timeline-bar-${row.vm.vm}`}
                    x={x(bar.from)}
                    y={top + 4}
                    width={Math.max(2, x(bar.to) - x(bar.from))}
                    height={ROW_H - 8}
                    rx={3}
                  >
                    <title>{`${row.vm.vm}: ${row.vm.state}, ${formatDuration(bar.to - bar.from)}`}</title>
                  </rect>
                ) : null}
              </g>
            );
          })}
        </svg>
      </div>
      <details className="disclosure">
        <summary>The timeline as a table</summary>
        <div className="table-scroll">
          <table className="table" aria-label="Timeline of every VM">
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">VM</th>
                <th scope="col">State</th>
                <th scope="col">Started after</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {progress.vms.map((vm) => {
                const bar = barSpan(vm, startMs, now);
                return (
                  <tr key={vm.vm} data-testid={`timeline-table-${vm.vm}`}>
                    <td>{vm.group}</td>
                    <th scope="row">{vm.vm}</th>
                    <td>{vm.state}</td>
                    <td>{bar ? formatDuration(bar.from) : '—'}</td>
                    <td>{bar ? `${formatDuration(bar.to - bar.from)}${vm.state === 'running' ? ' so far' : ''}` : '—'}</td>
                  </tr>
                );
              })}
              {progress.groups.map((g) => (
                <tr key={`up-${g.name}`}>
                  <td>{g.name}</td>
                  <th scope="row">whole group</th>
                  <td>{g.upAt ? 'up' : g.state}</td>
                  <td>{g.startedAt ? formatDuration(seconds(progress.startedAt, Date.parse(g.startedAt))) : '—'}</td>
                  <td>{g.upAt && g.startedAt ? `up after ${formatDuration(seconds(g.startedAt, Date.parse(g.upAt)))}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
