import type { JobSnapshot } from '../api/schemas/job-schema';
import type { EventHub } from './event-hub';

/** The minimum interval between two progress pushes of one job (a few per second). */
const PUSH_INTERVAL_MS = 250;

interface JobEntry {
  snapshot: JobSnapshot;
  controller: AbortController;
  lastPush: number;
  pending: ReturnType<typeof setTimeout> | null;
}

/**
 * Every job the engine runs: the engine owns the truth, clients receive
 * throttled snapshots. Cancel is an AbortController the job's code observes.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, JobEntry>();

  constructor(private readonly events: EventHub) {}

  list(): JobSnapshot[] {
    return [...this.jobs.values()].map((j) => j.snapshot);
  }

  /**
   * Registers a job; returns its abort signal and an updater that pushes
   * throttled snapshots. A new job is running, has done nothing and knows no
   * rate yet; callers give what is theirs (id, kind, title, step, total, …).
   */
  start(fields: Pick<JobSnapshot, 'id' | 'kind' | 'title' | 'step' | 'bytesTotal'> & Partial<JobSnapshot>): { signal: AbortSignal; update: (patch: Partial<JobSnapshot>) => void } {
    const initial: JobSnapshot = {
      phase: 'running',
      bytesDone: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      findings: [],
      ...fields,
    };
    const entry: JobEntry = { snapshot: initial, controller: new AbortController(), lastPush: 0, pending: null };
    this.jobs.set(initial.id, entry);
    this.push(entry, true);
    return {
      signal: entry.controller.signal,
      update: (patch) => {
        entry.snapshot = { ...entry.snapshot, ...patch };
        const final = ['succeeded', 'failed', 'cancelled'].includes(entry.snapshot.phase);
        this.push(entry, final);
      },
    };
  }

  cancel(jobId: string): boolean {
    const entry = this.jobs.get(jobId);
    if (!entry || !['queued', 'running'].includes(entry.snapshot.phase)) return false;
    entry.snapshot = { ...entry.snapshot, phase: 'cancelling' };
    entry.controller.abort(new Error('cancelled by the user'));
    this.push(entry, true);
    return true;
  }

  private push(entry: JobEntry, immediate: boolean): void {
    const now = Date.now();
    if (immediate || now - entry.lastPush >= PUSH_INTERVAL_MS) {
      if (entry.pending) clearTimeout(entry.pending);
      entry.pending = null;
      entry.lastPush = now;
      this.events.emit('jobs.onProgress', entry.snapshot);
    } else if (!entry.pending) {
      entry.pending = setTimeout(() => this.push(entry, true), PUSH_INTERVAL_MS - (now - entry.lastPush));
    }
  }
}
