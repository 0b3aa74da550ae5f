import { create } from 'zustand';
import type { JobSnapshot } from '../../../electron/api/contract';

interface JobsStore {
  /** Latest snapshot per job id, as pushed by the engine. */
  jobs: Record<string, JobSnapshot>;
  replaceAll: (jobs: JobSnapshot[]) => void;
  applySnapshot: (job: JobSnapshot) => void;
}

/** Mirrors the engine's jobs; computes nothing of its own. */
export const useJobsStore = create<JobsStore>((set) => ({
  jobs: {},
  replaceAll: (jobs) => set({ jobs: Object.fromEntries(jobs.map((j) => [j.id, j])) }),
  applySnapshot: (job) => set((s) => ({ jobs: { ...s.jobs, [job.id]: job } })),
}));
