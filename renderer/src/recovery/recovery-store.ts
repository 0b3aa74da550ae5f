import { create } from 'zustand';
import type { RecoveryPlanSource, RecoveryPlanView, RecoveryProgress, WireError } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';

/** An engine error as the Recovery page shows it: with the plan file's problems and their lines when there are any. */
export interface RecoveryProblem {
  message: string;
  code?: string;
  hint?: string;
  rule?: string;
  issues?: WireError['issues'];
}

function problemOf(err: unknown): RecoveryProblem {
  const e = err as RecoveryProblem;
  return { message: e.message ?? String(err), code: e.code, hint: e.hint, rule: e.rule, issues: e.issues };
}

interface RecoveryStore {
  source: RecoveryPlanSource | null;
  plan: RecoveryPlanView | null;
  planning: boolean;
  problem: RecoveryProblem | null;
  /** The recovery shown on the page (started here, or named in the URL). */
  jobId: string | null;
  /** Last progress per recovery job, as the engine pushed it (nothing computed here). */
  progress: Record<string, RecoveryProgress>;
  /** Jobs the engine reported as interrupted (running when its process stopped). */
  interrupted: Record<string, boolean>;
  /** Jobs this app cannot resume (started from the command line: the engine does not know their plan source). */
  notResumable: Record<string, boolean>;
  openPlan: (source: RecoveryPlanSource) => Promise<void>;
  start: () => Promise<void>;
  resume: (jobId: string) => Promise<void>;
  cancel: () => Promise<void>;
  /** Shows a recovery by id (a reloaded page, a link from the Jobs page): its last progress from the engine. */
  show: (jobId: string) => Promise<void>;
  applyProgress: (progress: RecoveryProgress) => void;
  /** Back to opening a plan (the running recovery goes on in the engine). */
  clear: () => void;
}

/** The Recovery page's state: the plan opened and the recovery run from it, mirrored from the engine. */
export const useRecoveryStore = create<RecoveryStore>((set, get) => ({
  source: null,
  plan: null,
  planning: false,
  problem: null,
  jobId: null,
  progress: {},
  interrupted: {},
  notResumable: {},
  openPlan: async (source) => {
    set({ planning: true, problem: null, source, plan: null });
    try {
      set({ plan: await api().recovery.plan(source), planning: false });
    } catch (err) {
      set({ planning: false, problem: problemOf(err) });
    }
  },
  start: async () => {
    const { source } = get();
    if (!source) return;
    set({ problem: null });
    try {
      const { jobId } = await api().recovery.start(source);
      set({ jobId });
    } catch (err) {
      set({ problem: problemOf(err) });
    }
  },
  resume: async (jobId) => {
    set({ problem: null });
    try {
      await api().recovery.resume({ jobId });
      set((s) => ({ jobId, interrupted: { ...s.interrupted, [jobId]: false } }));
    } catch (err) {
      set({ problem: problemOf(err) });
    }
  },
  cancel: async () => {
    const { jobId } = get();
    if (!jobId) return;
    try {
      await api().jobs.cancel({ jobId });
    } catch (err) {
      set({ problem: problemOf(err) });
    }
  },
  show: async (jobId) => {
    set({ jobId, problem: null });
    try {
      const { interrupted, resumable, ...progress } = await api().recovery.get({ jobId });
      set((s) => ({
        // A push that arrived while asking is newer than the answer.
        progress: s.progress[jobId] ? s.progress : { ...s.progress, [jobId]: progress },
        interrupted: { ...s.interrupted, [jobId]: interrupted },
        notResumable: { ...s.notResumable, [jobId]: !resumable },
      }));
    } catch (err) {
      set({ problem: problemOf(err) });
    }
  },
  applyProgress: (progress) => set((s) => ({ progress: { ...s.progress, [progress.jobId]: progress } })),
  clear: () => set({ source: null, plan: null, problem: null, jobId: null }),
}));
