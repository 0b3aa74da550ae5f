import type { ReactElement } from 'react';
import type { LoadState } from '../stores/load-state';
import { ErrorNotice } from './error-notice';

/** Shows loading and error states the same way everywhere; renders `ready` data through `children`. */
export function LoadView<T>({
  state,
  what,
  children,
}: {
  state: LoadState<T>;
  what: string;
  children: (data: T) => ReactElement;
}): ReactElement {
  if (state.status === 'ready') return children(state.data);
  if (state.status === 'error') {
    return (
      <ErrorNotice problem={state}>
        <strong>Could not load {what}.</strong>{' '}
      </ErrorNotice>
    );
  }
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}
