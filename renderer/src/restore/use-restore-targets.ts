import { useEffect, useState } from 'react';
import type { RestoreTargets } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import type { LoadState } from '../stores/load-state';

/** The live inventory of one connection, for the target pickers (read again when the connection changes). */
export function useRestoreTargets(connection: string): LoadState<RestoreTargets> {
  const [state, setState] = useState<LoadState<RestoreTargets>>({ status: 'idle' });
  useEffect(() => {
    if (!connection) return setState({ status: 'idle' });
    let current = true;
    setState({ status: 'loading' });
    api()
      .inventory.restoreTargets({ connection })
      .then((data) => current && setState({ status: 'ready', data }))
      .catch((err: { message?: string; hint?: string }) => current && setState({ status: 'error', message: err.message ?? String(err), hint: err.hint }));
    return () => {
      current = false;
    };
  }, [connection]);
  return state;
}
