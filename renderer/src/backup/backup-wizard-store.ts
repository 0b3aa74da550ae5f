import { create } from 'zustand';
import type { BackupPlanView, BackupStartInput } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import type { LoadState } from '../stores/load-state';
import { problemOf, type Problem } from '../stores/repositories-store';

export type BackupStep = 1 | 2 | 3 | 4;
export type BackupTransport = BackupStartInput['transport'];

export interface BackupChoices {
  connection: string;
  vm: string;
  repositoryId: string;
  /** Read everything even when an incremental is possible. */
  full: boolean;
  transport: BackupTransport;
  quiesce: boolean;
}

const EMPTY: BackupChoices = { connection: '', vm: '', repositoryId: '', full: false, transport: 'nbdssl', quiesce: false };

interface BackupWizardStore {
  step: BackupStep;
  choices: BackupChoices;
  plan: LoadState<BackupPlanView>;
  /** The job started from the plan, once started. */
  jobId: string | null;
  starting: boolean;
  startProblem: Problem | null;
  choose: (change: Partial<BackupChoices>) => void;
  goTo: (step: BackupStep) => void;
  /** Plans the chosen backup (changes nothing on the source) and shows the plan. */
  planNow: () => Promise<void>;
  start: () => Promise<void>;
  /** Another backup: keeps connection, VM and repository (the next one is usually an incremental). */
  again: () => void;
}

/** The backup page's wizard: source → options → plan → progress and result. The engine plans and runs; this only mirrors. */
export const useBackupWizardStore = create<BackupWizardStore>((set, get) => ({
  step: 1,
  choices: EMPTY,
  plan: { status: 'idle' },
  jobId: null,
  starting: false,
  startProblem: null,
  // A changed choice makes the shown plan stale.
  choose: (change) => set((s) => ({ choices: { ...s.choices, ...change }, plan: { status: 'idle' } })),
  goTo: (step) => set({ step, startProblem: null }),
  planNow: async () => {
    set({ step: 3, plan: { status: 'loading' }, startProblem: null });
    try {
      set({ plan: { status: 'ready', data: await api().backup.plan(get().choices) } });
    } catch (err) {
      const p = problemOf(err);
      set({ plan: { status: 'error', message: p.message, ...(p.hint ? { hint: p.hint } : {}) } });
    }
  },
  start: async () => {
    set({ starting: true, startProblem: null });
    try {
      const { jobId } = await api().backup.start(get().choices);
      set({ jobId, step: 4, starting: false });
    } catch (err) {
      set({ starting: false, startProblem: problemOf(err) });
    }
  },
  again: () => set({ step: 2, plan: { status: 'idle' }, jobId: null, startProblem: null }),
}));
