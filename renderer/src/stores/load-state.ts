/** How a store's remote data stands; every page shows loading and errors the same way. */
export type LoadState<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; data: T }
  | { status: 'error'; message: string; hint?: string };

/** Runs a fetch and reports it through `set` as a LoadState. */
export async function loadInto<T>(set: (state: LoadState<T>) => void, fetch: () => Promise<T>): Promise<void> {
  set({ status: 'loading' });
  try {
    set({ status: 'ready', data: await fetch() });
  } catch (err) {
    const e = err as { message?: string; hint?: string };
    set({ status: 'error', message: e.message ?? String(err), hint: e.hint });
  }
}
