import type { ReactElement } from 'react';
import type { RestorePlanView } from '../../../electron/api/contract';
import { FormField } from '../app/form-field';
import type { DiskFormat, RestoreChoices } from './restore-choices';

const FORMATS: Array<{ value: DiskFormat; label: string }> = [
  { value: 'as-source', label: 'As it was saved' },
  { value: 'thin', label: 'Thin' },
  { value: 'thick-lazy', label: 'Thick, lazily zeroed' },
  { value: 'thick-eager', label: 'Thick, eagerly zeroed' },
];

const HOW: Record<string, string> = {
  'same-name': 'same name on the target',
  mapped: 'as you mapped it',
  automatic: 'picked automatically: check it',
  unknown: 'not known yet',
  none: 'no network to connect to',
};

/** Disk format per disk (DATA-LAZY-TO-EAGER and friends are then planned), and for a new VM each disk's datastore. */
export function DiskFormatChoices({
  plan,
  choices,
  choose,
  datastores = [],
}: {
  plan: RestorePlanView;
  choices: RestoreChoices;
  choose: (p: Partial<RestoreChoices>) => void;
  /** Datastores the chosen host mounts; empty: no per-disk placement offered. */
  datastores?: string[];
}): ReactElement {
  const placing = choices.mode === 'new-vm' && datastores.length > 0;
  return (
    <fieldset className="card">
      <legend>{placing ? 'Disk format and datastore' : 'Disk format'}</legend>
      <div className="form-grid">
        {placing
          ? plan.disks.map((d) => (
              <FormField key={`ds-${d.key}`} label={`Datastore of ${d.label}`} help={`Planned: ${d.datastore ?? choices.datastore}`}>
                {({ id, describedBy }) => (
                  <select
                    id={id}
                    value={choices.diskDatastores[String(d.key)] ?? ''}
                    onChange={(e) => choose({ diskDatastores: { ...choices.diskDatastores, [String(d.key)]: e.target.value } })}
                    aria-describedby={describedBy}
                  >
                    <option value="">With the VM{choices.datastore ? ` (${choices.datastore})` : ''}</option>
                    {datastores.map((name) => (
                      <option key={name} value={name}>
                        {name}
                      </option>
                    ))}
                  </select>
                )}
              </FormField>
            ))
          : null}
        {plan.disks.map((d) => (
          <FormField
            key={d.key}
            label={`Format of ${d.label}`}
            help={`Planned: ${d.restoredProvisioning === 'lazyzeroed' ? 'thick, lazily zeroed' : d.restoredProvisioning === 'eagerzeroed' ? 'thick, eagerly zeroed' : 'thin'}`}
          >
            {({ id, describedBy }) => (
              <select
                id={id}
                value={choices.diskFormats[String(d.key)] ?? 'as-source'}
                onChange={(e) => choose({ diskFormats: { ...choices.diskFormats, [String(d.key)]: e.target.value as DiskFormat } })}
                aria-describedby={describedBy}
              >
                {FORMATS.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        ))}
      </div>
    </fieldset>
  );
}

/** Network mapping per NIC's source network (DATA-NETWORK-MAP); the target's networks come from the chosen host. */
export function NetworkChoices({
  plan,
  networks,
  choices,
  choose,
}: {
  plan: RestorePlanView;
  networks: string[];
  choices: RestoreChoices;
  choose: (p: Partial<RestoreChoices>) => void;
}): ReactElement | null {
  if (plan.networks.length === 0) return null;
  return (
    <fieldset className="card">
      <legend>Network mapping</legend>
      <div className="form-grid">
        {plan.networks.map((n) => (
          <FormField key={n.source} label={`Network for NICs on ${n.source}`} help={`Planned: ${n.target ?? 'not connected'} (${HOW[n.how] ?? n.how})`}>
            {({ id, describedBy }) => (
              <select
                id={id}
                value={choices.networkMap[n.source] ?? ''}
                onChange={(e) => choose({ networkMap: { ...choices.networkMap, [n.source]: e.target.value } })}
                aria-describedby={describedBy}
              >
                <option value="">Same name, else automatic</option>
                {networks.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        ))}
      </div>
    </fieldset>
  );
}
