import type { LifeboatApi } from '../../../electron/api/contract';

let current: LifeboatApi | null = null;

/** Set once by the bootstrap (or by a test) before the app renders. */
export function installApi(api: LifeboatApi): void {
  current = api;
}

/** The typed engine API for stores' actions. */
export function api(): LifeboatApi {
  if (!current) throw new Error('the Lifeboat API is not installed yet');
  return current;
}
