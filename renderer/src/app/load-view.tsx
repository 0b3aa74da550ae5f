import type { ReactElement } from 'react';
import type { LoadState } from '../stores/load-state';

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
      <div className="notice notice-error" role="alert">
        <strong>Could not load {what}.</strong> {state.message}
        {state.hint ? <div className="hint">{state.hint}</div> : null}
      </div>
    );
  }
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}
