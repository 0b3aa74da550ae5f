import { create } from 'zustand';
import type { ConnectionSummary, ConnectionTestResult } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import { loadInto, type LoadState } from './load-state';

interface ConnectionsStore {
  connections: LoadState<ConnectionSummary[]>;
  /** Result of the last "Test" per connection name. */
  tests: Record<string, LoadState<ConnectionTestResult>>;
  load: () => Promise<void>;
  test: (name: string) => Promise<void>;
  remove: (name: string) => Promise<void>;
}

/** Saved vSphere connections (no secrets: only whether one is saved). */
export const useConnectionsStore = create<ConnectionsStore>((set, get) => ({
  connections: { status: 'idle' },
  tests: {},
  load: () => loadInto((connections) => set({ connections }), () => api().connections.list()),
  test: (name) => loadInto((state) => set((s) => ({ tests: { ...s.tests, [name]: state } })), () => api().connections.test({ name })),
  remove: async (name) => {
    await api().connections.remove({ name });
    set((s) => {
      const tests = { ...s.tests };
      delete tests[name];
      return { tests };
    });
    await get().load();
  },
}));
