import { create } from 'zustand';
import type { RestorePlanView } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import {
  initialChoices,
  plannable,
  requestOf,
  type EncryptionChoice,
  type RestoreChoices,
  type WizardStep,
} from '../restore/restore-choices';
import { problemOf, type Problem } from './repositories-store';

export type { EncryptionChoice, RestoreChoices, RestoreMode, TransportChoice, WizardStep } from '../restore/restore-choices';

/** The rules after which the encryption of the restored VM is the user's explicit choice. */
export const ENCRYPTION_CHOICE_RULES = ['CRYPT-KEYS-MISSING', 'CRYPT-KMS-MISMATCH'];

export function needsEncryptionChoice(plan: RestorePlanView): boolean {
  return plan.findings.some((f) => ENCRYPTION_CHOICE_RULES.includes(f.rule));
}

/** Quiet time after the last change before the engine is asked for a new plan. */
export const REPLAN_DELAY_MS = 350;

export interface PlanState {
  /** The latest plan; kept on screen while a newer one is made, so the page updates in place. */
  data: RestorePlanView | null;
  planning: boolean;
  problem: Problem | null;
}

interface RestoreWizardStore {
  step: WizardStep;
  repositoryId: string | null;
  pointId: string | null;
  choices: RestoreChoices;
  plan: PlanState;
  /** null until chosen, when a CRYPT fallback rule fired; 'keep' otherwise. */
  encryption: EncryptionChoice | null;
  encryptionChosen: boolean;
  jobId: string | null;
  startProblem: Problem | null;
  starting: boolean;
  goTo: (step: WizardStep) => void;
  choosePoint: (repositoryId: string, pointId: string) => void;
  /** Any change of a choice: the plan is made again (debounced) and updates in place. */
  choose: (patch: Partial<RestoreChoices>) => void;
  setEncryption: (choice: EncryptionChoice) => void;
  makePlan: () => Promise<void>;
  start: () => Promise<void>;
  /** Runs the same request again as a new job (a failed or cancelled job). */
  retry: () => Promise<void>;
  /** Continues the failed or cancelled job from its checkpoint (same job id). */
  resume: () => Promise<void>;
  cancel: () => Promise<void>;
  reset: () => void;
}

const initial = {
  step: 1 as WizardStep,
  repositoryId: null,
  pointId: null,
  choices: initialChoices,
  plan: { data: null, planning: false, problem: null } as PlanState,
  encryption: 'keep' as EncryptionChoice | null,
  encryptionChosen: false,
  jobId: null,
  startProblem: null,
  starting: false,
};

/** The restore wizard's choices; the plan and the job's progress come from the engine. */
export const useRestoreWizardStore = create<RestoreWizardStore>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Answers can arrive out of order; only the newest request's plan is shown.
  let sequence = 0;
  const request = () => {
    const s = get();
    if (!s.repositoryId || !s.pointId) throw new Error('choose a restore point first');
    return requestOf(s.choices, { repositoryId: s.repositoryId, pointId: s.pointId }, { choice: s.encryption ?? 'keep', chosen: s.encryptionChosen });
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void get().makePlan();
    }, REPLAN_DELAY_MS);
  };
  return {
    ...initial,
    goTo: (step) => {
      set({ step });
      if (step === 4 && !get().plan.data && !get().plan.planning) void get().makePlan();
    },
    choosePoint: (repositoryId, pointId) =>
      set({ repositoryId, pointId, plan: initial.plan, encryption: 'keep', encryptionChosen: false, choices: { ...get().choices, diskFormats: {}, networkMap: {} } }),
    choose: (patch) => {
      set((s) => ({ choices: { ...s.choices, ...patch } }));
      if (plannable(get().choices) && get().pointId) schedule();
    },
    // The plan is the contract: a new choice is planned again, so what is shown is what runs.
    setEncryption: (encryption) => {
      set({ encryption, encryptionChosen: true });
      schedule();
    },
    makePlan: async () => {
      if (!plannable(get().choices)) return;
      const mine = ++sequence;
      set((s) => ({ plan: { ...s.plan, planning: true }, startProblem: null }));
      try {
        const plan = await api().restore.plan(request());
        if (mine !== sequence) return;
        const { encryptionChosen, encryption } = get();
        set({ plan: { data: plan, planning: false, problem: null }, encryption: encryptionChosen ? encryption : needsEncryptionChoice(plan) ? null : 'keep' });
      } catch (err) {
        if (mine !== sequence) return;
        set((s) => ({ plan: { data: s.plan.data, planning: false, problem: problemOf(err) } }));
      }
    },
    start: async () => {
      const { plan, encryption } = get();
      if (!plan.data || !plan.data.ok || plan.planning || encryption === null) return;
      set({ starting: true, startProblem: null });
      try {
        const { jobId } = await api().restore.start({ ...request(), encryption, encryptionChosen: true });
        set({ jobId, step: 5, starting: false });
      } catch (err) {
        set({ startProblem: problemOf(err), starting: false });
      }
    },
    retry: async () => {
      set({ jobId: null });
      await get().start();
    },
    resume: async () => {
      const { jobId } = get();
      if (!jobId) return;
      set({ startProblem: null });
      try {
        await api().restore.resume({ jobId });
      } catch (err) {
        set({ startProblem: problemOf(err) });
      }
    },
    cancel: async () => {
      const { jobId } = get();
      if (jobId) await api().jobs.cancel({ jobId });
    },
    reset: () => {
      if (timer) clearTimeout(timer);
      sequence++;
      set({ ...initial });
    },
  };
});
