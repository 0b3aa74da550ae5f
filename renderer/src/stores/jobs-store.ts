import { create } from 'zustand';
import type { JobSnapshot } from '../../../electron/api/contract';

/** How many rate samples a job's sparkline keeps. */
const RATE_SAMPLES = 60;

interface JobsStore {
  /** Latest snapshot per job id, as pushed by the engine. */
  jobs: Record<string, JobSnapshot>;
  /** The rates the engine pushed, per job, oldest first (the throughput sparkline draws them). */
  rates: Record<string, number[]>;
  replaceAll: (jobs: JobSnapshot[]) => void;
  applySnapshot: (job: JobSnapshot) => void;
}

/** Mirrors the engine's jobs; computes nothing of its own (the sparkline only keeps the pushed rates). */
export const useJobsStore = create<JobsStore>((set) => ({
  jobs: {},
  rates: {},
  replaceAll: (jobs) => set({ jobs: Object.fromEntries(jobs.map((j) => [j.id, j])) }),
  applySnapshot: (job) =>
    set((s) => ({
      jobs: { ...s.jobs, [job.id]: job },
      rates: job.phase === 'running' ? { ...s.rates, [job.id]: [...(s.rates[job.id] ?? []), job.bytesPerSecond].slice(-RATE_SAMPLES) } : s.rates,
    })),
}));
