import { create } from 'zustand';
import type { RestorePlanView } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import type { LoadState } from './load-state';
import { problemOf, type Problem } from './repositories-store';

export type WizardStep = 1 | 2 | 3 | 4;
export type TransportChoice = 'auto' | 'san' | 'hotadd' | 'nbdssl' | 'nbd';
export type EncryptionChoice = 'keep' | 'new-keys' | 'unencrypted';

export interface RestoreTargetChoice {
  connection: string;
  datastore: string;
  host: string;
  name: string;
  transport: TransportChoice;
}

/** The rules after which the encryption of the restored VM is the user's explicit choice. */
export const ENCRYPTION_CHOICE_RULES = ['CRYPT-KEYS-MISSING', 'CRYPT-KMS-MISMATCH'];

export function needsEncryptionChoice(plan: RestorePlanView): boolean {
  return plan.findings.some((f) => ENCRYPTION_CHOICE_RULES.includes(f.rule));
}

interface RestoreWizardStore {
  step: WizardStep;
  repositoryId: string | null;
  pointId: string | null;
  target: RestoreTargetChoice;
  plan: LoadState<RestorePlanView>;
  /** null until chosen, when a CRYPT fallback rule fired; 'keep' otherwise. */
  encryption: EncryptionChoice | null;
  /** The user picked the encryption option (the plan is then made with it). */
  encryptionChosen: boolean;
  verify: boolean;
  jobId: string | null;
  startProblem: Problem | null;
  starting: boolean;
  goTo: (step: WizardStep) => void;
  choosePoint: (repositoryId: string, pointId: string) => void;
  setTarget: (patch: Partial<RestoreTargetChoice>) => void;
  setEncryption: (choice: EncryptionChoice) => void;
  setVerify: (verify: boolean) => void;
  makePlan: () => Promise<void>;
  start: () => Promise<void>;
  cancel: () => Promise<void>;
  reset: () => void;
}

const initial = {
  step: 1 as WizardStep,
  repositoryId: null,
  pointId: null,
  target: { connection: '', datastore: '', host: '', name: '', transport: 'auto' as TransportChoice },
  plan: { status: 'idle' } as LoadState<RestorePlanView>,
  encryption: 'keep' as EncryptionChoice | null,
  encryptionChosen: false,
  verify: true,
  jobId: null,
  startProblem: null,
  starting: false,
};

function optional(text: string): string | undefined {
  return text.trim() === '' ? undefined : text.trim();
}

/** The restore wizard's choices; the plan and the job's progress come from the engine. */
export const useRestoreWizardStore = create<RestoreWizardStore>((set, get) => {
  const request = () => {
    const s = get();
    if (!s.repositoryId || !s.pointId) throw new Error('choose a restore point first');
    return {
      repositoryId: s.repositoryId,
      point: s.pointId,
      connection: s.target.connection,
      datastore: s.target.datastore.trim(),
      host: optional(s.target.host),
      name: optional(s.target.name),
      transport: s.target.transport,
      encryption: s.encryption ?? 'keep',
      encryptionChosen: s.encryptionChosen,
      verify: s.verify,
    };
  };
  return {
    ...initial,
    goTo: (step) => set({ step }),
    choosePoint: (repositoryId, pointId) => set({ repositoryId, pointId, plan: { status: 'idle' }, encryption: 'keep', encryptionChosen: false }),
    setTarget: (patch) => set((s) => ({ target: { ...s.target, ...patch }, plan: { status: 'idle' } })),
    // The plan is the contract: a new choice is planned again, so what is shown is what runs.
    setEncryption: (encryption) => {
      set({ encryption, encryptionChosen: true });
      void get().makePlan();
    },
    setVerify: (verify) => set({ verify }),
    makePlan: async () => {
      set({ step: 3, plan: { status: 'loading' }, startProblem: null });
      try {
        const plan = await api().restore.plan(request());
        const { encryptionChosen, encryption } = get();
        set({ plan: { status: 'ready', data: plan }, encryption: encryptionChosen ? encryption : needsEncryptionChoice(plan) ? null : 'keep' });
      } catch (err) {
        const p = problemOf(err);
        set({ plan: { status: 'error', message: p.message, hint: p.hint } });
      }
    },
    start: async () => {
      const { plan, encryption, verify } = get();
      if (plan.status !== 'ready' || !plan.data.ok || encryption === null) return;
      set({ starting: true, startProblem: null });
      try {
        const { jobId } = await api().restore.start({ ...request(), verify, encryption, encryptionChosen: true });
        set({ jobId, step: 4, starting: false });
      } catch (err) {
        set({ startProblem: problemOf(err), starting: false });
      }
    },
    cancel: async () => {
      const { jobId } = get();
      if (jobId) await api().jobs.cancel({ jobId });
    },
    reset: () => set({ ...initial }),
  };
});
