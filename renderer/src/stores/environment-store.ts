import { create } from 'zustand';
import type { EnvironmentFacts } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import { loadInto, type LoadState } from './load-state';

interface EnvironmentStore {
  facts: LoadState<EnvironmentFacts>;
  load: () => Promise<void>;
}

/** Facts about the workstation, as the engine detected them. */
export const useEnvironmentStore = create<EnvironmentStore>((set) => ({
  facts: { status: 'idle' },
  load: () => loadInto((facts) => set({ facts }), () => api().environment.facts()),
}));
