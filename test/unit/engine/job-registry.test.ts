import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobSnapshot } from '../../../electron/api/contract';
import { EventHub } from '../../../electron/engine/event-hub';
import { JobRegistry } from '../../../electron/engine/job-registry';

const job = (id: string): JobSnapshot => ({
  id, kind: 'restore', title: id, phase: 'running', step: null, bytesDone: 0, bytesTotal: 100, bytesPerSecond: 0,
  etaSeconds: null, startedAt: '2026-11-25T00:00:00Z', finishedAt: null, error: null, findings: [],
});

describe('job registry', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('throttles progress pushes to a few per second but always delivers the latest and the final state', () => {
    const hub = new EventHub();
    const pushed: JobSnapshot[] = [];
    hub.subscribe((_n, p) => pushed.push(p as JobSnapshot));
    const registry = new JobRegistry(hub);
    const { update } = registry.start(job('a'));
    for (let i = 1; i <= 100; i++) update({ bytesDone: i });
    expect(pushed.length).toBe(1); // the start
    vi.advanceTimersByTime(300);
    expect(pushed.length).toBe(2);
    expect(pushed.at(-1)?.bytesDone).toBe(100);
    update({ phase: 'succeeded' });
    expect(pushed.at(-1)?.phase).toBe('succeeded');
  });

  it('cancels through the abort signal, only while the job runs', () => {
    const registry = new JobRegistry(new EventHub());
    const { signal, update } = registry.start(job('b'));
    expect(registry.cancel('nope')).toBe(false);
    expect(registry.cancel('b')).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(registry.list()[0]?.phase).toBe('cancelling');
    update({ phase: 'cancelled' });
    expect(registry.cancel('b')).toBe(false);
  });
});
