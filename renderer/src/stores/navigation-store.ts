import { create } from 'zustand';

export const PAGES = ['connections', 'repositories', 'restore', 'recovery', 'backup', 'jobs', 'lab', 'about'] as const;
export type PageId = (typeof PAGES)[number];

export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (PAGES as readonly string[]).includes(id) ? (id as PageId) : 'connections';
}

interface NavigationStore {
  page: PageId;
  go: (page: PageId) => void;
  syncFromHash: (hash: string) => void;
}

/** Which page is shown; kept in the URL hash so links and reloads land on the same page. */
export const useNavigationStore = create<NavigationStore>((set) => ({
  page: 'connections',
  go: (page) => {
    if (typeof window !== 'undefined' && window.location.hash !== `#/${page}`) window.location.hash = `#/${page}`;
    set({ page });
  },
  syncFromHash: (hash) => set({ page: pageFromHash(hash) }),
}));
