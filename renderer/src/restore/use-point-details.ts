import { useEffect, useState } from 'react';
import type { PointDetails } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';

/** One restore point's badges and disk sizes, read from the engine when the point changes. */
export function usePointDetails(repositoryId: string | null, pointId: string | null): { details: PointDetails | null; problem: string | null } {
  const [state, setState] = useState<{ details: PointDetails | null; problem: string | null }>({ details: null, problem: null });
  useEffect(() => {
    setState({ details: null, problem: null });
    if (!repositoryId || !pointId) return;
    let current = true;
    api()
      .repositories.pointDetails({ repositoryId, point: pointId })
      .then((details) => current && setState({ details, problem: null }))
      .catch((err: Error) => current && setState({ details: null, problem: err.message }));
    return () => {
      current = false;
    };
  }, [repositoryId, pointId]);
  return state;
}
