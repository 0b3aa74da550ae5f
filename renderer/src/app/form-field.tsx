import { useId, type ReactElement, type ReactNode } from 'react';

/**
 * A label, its control and a help line. The help is tied to the control with
 * aria-describedby (read after the name), so the control's name stays short:
 * "Datastore", not "Datastore The VM's home…".
 */
export function FormField({
  label,
  help,
  helpClass = 'field-help',
  helpLive,
  helpTestId,
  children,
}: {
  label: string;
  help?: ReactNode;
  helpClass?: string;
  helpLive?: boolean;
  helpTestId?: string;
  children: (ids: { id: string; describedBy: string | undefined }) => ReactElement;
}): ReactElement {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy: help !== undefined ? helpId : undefined })}
      {help !== undefined ? (
        <span id={helpId} className={helpClass} aria-live={helpLive ? 'polite' : undefined} data-testid={helpTestId}>
          {help}
        </span>
      ) : null}
    </div>
  );
}
