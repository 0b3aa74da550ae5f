import { useEffect, useState, type ReactElement } from 'react';
import { FormField } from '../app/form-field';
import { api } from '../bridge/api-access';

const CHECK_DELAY_MS = 400;

/** The new VM's name, with a live check that no VM of that name exists on the target (DATA-VM-NAME-TAKEN). */
export function VmNameField({ connection, value, fallback, onChange }: { connection: string; value: string; fallback: string; onChange: (v: string) => void }): ReactElement {
  const [taken, setTaken] = useState<{ name: string; inUse: boolean } | null>(null);
  const wanted = value.trim() || fallback;
  useEffect(() => {
    setTaken(null);
    if (!connection || !wanted) return;
    let current = true;
    const timer = setTimeout(() => {
      api()
        .inventory.vmNameInUse({ connection, name: wanted })
        .then((r) => current && setTaken(r))
        .catch(() => undefined);
    }, CHECK_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [connection, wanted]);
  const help = taken?.inUse
    ? `A VM named "${taken.name}" already exists on ${connection}: choose another name.`
    : taken
      ? `"${taken.name}" is free on ${connection}.`
      : value.trim()
        ? 'Checking the name…'
        : `Empty: the VM is named "${fallback}".`;
  return (
    <FormField label="Name of the restored VM" help={help} helpClass={taken?.inUse ? 'field-problem' : 'field-help'} helpLive helpTestId="vm-name-check">
      {({ id, describedBy }) => <input id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} autoComplete="off" />}
    </FormField>
  );
}
