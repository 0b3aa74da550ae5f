import { create } from 'zustand';
import type { LabView } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import { problemOf, type Problem } from '../stores/repositories-store';

export type LabAction = 'start' | 'stop' | 'reset';

interface LabStore {
  view: LabView | null;
  /** The operation under way (one at a time; the engine refuses a second one too). */
  busy: { action: LabAction; what: string } | null;
  problem: Problem | null;
  /** What the last finished operation did, for the live region. */
  done: string | null;
  refresh: () => Promise<void>;
  run: (action: LabAction, mode?: 'vcenter' | 'esxi') => Promise<void>;
}

const MODE_WORD = { vcenter: 'vCenter', esxi: 'ESXi' } as const;

function busyText(action: LabAction, mode: 'vcenter' | 'esxi' | null): string {
  if (action === 'start') return `Starting the lab in ${mode ? MODE_WORD[mode] : ''} mode… The first start builds the simulator, which can take a minute.`;
  if (action === 'stop') return 'Stopping the lab…';
  return 'Resetting the lab: stopping it, removing its datastore folders, starting it again…';
}

function doneText(action: LabAction, view: LabView): string {
  if (action === 'stop') return 'The lab is stopped.';
  const mode = view.mode ? MODE_WORD[view.mode] : '';
  return action === 'reset' ? `The lab was reset and runs again in ${mode} mode with fresh datastores.` : `The lab runs in ${mode} mode.`;
}

/** The Lab page's state: the engine's view of the background lab, and the one operation under way. */
export const useLabStore = create<LabStore>((set, get) => ({
  view: null,
  busy: null,
  problem: null,
  done: null,
  refresh: async () => {
    try {
      set({ view: await api().lab.status() });
    } catch (err) {
      set({ problem: problemOf(err) });
    }
  },
  run: async (action, mode) => {
    if (get().busy) return;
    set({ busy: { action, what: busyText(action, mode ?? get().view?.mode ?? null) }, problem: null, done: null });
    try {
      const view = action === 'start' ? await api().lab.start({ mode: mode ?? 'vcenter' }) : action === 'stop' ? await api().lab.stop() : await api().lab.reset();
      set({ view, busy: null, done: doneText(action, view) });
    } catch (err) {
      set({ busy: null, problem: problemOf(err) });
      await get().refresh();
    }
  },
}));
