import { create } from 'zustand';
import type { ConnectionSummary } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import { loadInto, type LoadState } from './load-state';

interface ConnectionsStore {
  connections: LoadState<ConnectionSummary[]>;
  load: () => Promise<void>;
}

/** Saved vSphere connections (no secrets: only whether one is saved). */
export const useConnectionsStore = create<ConnectionsStore>((set) => ({
  connections: { status: 'idle' },
  load: () => loadInto((connections) => set({ connections }), () => api().connections.list()),
}));
