import { create } from 'zustand';
import type { OpenedRepository } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';

export interface Problem {
  message: string;
  code?: string;
  hint?: string;
  rule?: string;
}

export function problemOf(err: unknown): Problem {
  const e = err as { message?: string; code?: string; hint?: string; rule?: string };
  return { message: e.message ?? String(err), code: e.code, hint: e.hint, rule: e.rule };
}

interface RepositoriesStore {
  /** Repositories opened in this session, by id (the engine keeps them unlocked; no password here). */
  opened: Record<string, OpenedRepository>;
  busy: boolean;
  problem: Problem | null;
  open: (request: { path: string; password?: string; remember?: boolean }) => Promise<OpenedRepository | null>;
  /** Creates (or reuses) the demo repository and opens it. */
  openDemo: () => Promise<OpenedRepository | null>;
  /** Lists an opened repository's points again (a backup added one). */
  refresh: (id: string) => Promise<void>;
}

/** Opened repositories and their restore points, as the engine listed them. */
export const useRepositoriesStore = create<RepositoriesStore>((set) => {
  async function opening(call: () => Promise<OpenedRepository>): Promise<OpenedRepository | null> {
    set({ busy: true, problem: null });
    try {
      const repo = await call();
      set((s) => ({ opened: { ...s.opened, [repo.id]: repo }, busy: false }));
      return repo;
    } catch (err) {
      set({ busy: false, problem: problemOf(err) });
      return null;
    }
  }
  return {
    opened: {},
    busy: false,
    problem: null,
    open: (request) => opening(() => api().repositories.open(request)),
    openDemo: () => opening(() => api().repositories.openDemo()),
    refresh: async (id) => {
      const repo = await api().repositories.refresh({ repositoryId: id });
      set((s) => ({ opened: { ...s.opened, [repo.id]: { ...s.opened[repo.id], ...repo } } }));
    },
  };
});
