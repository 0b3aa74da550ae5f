import { create } from 'zustand';
import type { VmRow } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import { loadInto, type LoadState } from './load-state';

interface InventoryStore {
  /** The connection whose VMs are shown, if any. */
  connection: string | null;
  vms: LoadState<VmRow[]>;
  filter: string;
  browse: (connection: string) => Promise<void>;
  setFilter: (filter: string) => void;
  close: () => void;
}

/** The VM list of one connection for the inventory browser. */
export const useInventoryStore = create<InventoryStore>((set) => ({
  connection: null,
  vms: { status: 'idle' },
  filter: '',
  browse: async (connection) => {
    set({ connection, filter: '' });
    await loadInto((vms) => set({ vms }), () => api().inventory.vms({ connection }));
  },
  setFilter: (filter) => set({ filter }),
  close: () => set({ connection: null, vms: { status: 'idle' }, filter: '' }),
}));
