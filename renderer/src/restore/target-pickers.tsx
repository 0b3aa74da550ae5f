import type { ReactElement } from 'react';
import type { RestoreTargets } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { FormField } from '../app/form-field';
import type { RestoreChoices } from './restore-choices';

interface PickerProps {
  targets: RestoreTargets;
  choices: RestoreChoices;
  choose: (patch: Partial<RestoreChoices>) => void;
  /** Bytes the restore writes (from the plan, else the point's allocated data): free space is shown after it. */
  bytesToWrite: number;
}

function Select({ label, value, onChange, options, empty }: { label: string; value: string; onChange: (v: string) => void; options: Array<{ value: string; label: string; disabled?: boolean }>; empty: string }): ReactElement {
  return (
    <FormField label={label}>
      {({ id }) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{empty}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

/** Datacenter → cluster or host → ESXi host → resource pool → VM folder → datastore, each from the live inventory. */
export function TargetPickers({ targets, choices, choose, bytesToWrite }: PickerProps): ReactElement {
  const inDatacenter = <T extends { datacenter: string | null }>(list: T[]) => list.filter((x) => !choices.datacenter || x.datacenter === null || x.datacenter === choices.datacenter);
  const computes = inDatacenter(targets.computeResources);
  const hosts = inDatacenter(targets.hosts).filter((h) => !choices.computeResource || h.computeResource === choices.computeResource);
  const pools = targets.resourcePools.filter((p) => !choices.computeResource || p.computeResource === choices.computeResource);
  const host = targets.hosts.find((h) => h.name === choices.host);
  const datastores = targets.datastores.filter((d) => !host || host.datastores.includes(d.name));
  const poolNames = [...new Set(pools.map((p) => p.name))];
  return (
    <>
      <Select
        label="Datacenter"
        value={choices.datacenter}
        onChange={(v) => choose({ datacenter: v, computeResource: '', host: '', resourcePool: '' })}
        options={targets.datacenters.map((d) => ({ value: d.name, label: d.name }))}
        empty="Any datacenter"
      />
      <Select
        label="Cluster or host"
        value={choices.computeResource}
        onChange={(v) => {
          const only = targets.computeResources.find((c) => c.name === v)?.hosts;
          choose({ computeResource: v, host: only && only.length === 1 ? only[0]! : '', resourcePool: '' });
        }}
        options={computes.map((c) => ({ value: c.name, label: `${c.name} (${c.isCluster ? `cluster, ${c.hosts.length} hosts` : 'standalone host'})` }))}
        empty="Chosen by the rules"
      />
      <Select
        label="ESXi host"
        value={choices.host}
        onChange={(v) => choose({ host: v })}
        options={hosts.map((h) => ({ value: h.name, label: h.usable ? h.name : `${h.name} (${h.problem ?? 'not usable'})`, disabled: !h.usable }))}
        empty="A connected host that reaches the datastore"
      />
      <Select
        label="Resource pool"
        value={choices.resourcePool}
        onChange={(v) => choose({ resourcePool: v })}
        options={poolNames.map((p) => ({ value: p, label: p }))}
        empty="The host's own pool"
      />
      <Select
        label="VM folder"
        value={choices.vmFolder}
        onChange={(v) => choose({ vmFolder: v })}
        options={inDatacenter(targets.vmFolders).map((f) => ({ value: f.name, label: f.name }))}
        empty="The datacenter's VM folder"
      />
      <FormField label="Datastore" help={`The VM's home and every disk go here; free space is shown after writing ${formatBytes(bytesToWrite)}.`}>
        {({ id, describedBy }) => (
          <select id={id} value={choices.datastore} onChange={(e) => choose({ datastore: e.target.value })} required aria-describedby={describedBy}>
            <option value="">Choose a datastore</option>
            {datastores.map((d) => {
              const after = d.freeBytes - bytesToWrite;
              return (
                <option key={d.name} value={d.name} disabled={!d.accessible}>
                  {`${d.name} (${d.type}): ${after >= 0 ? `${formatBytes(after)} free after the restore` : `${formatBytes(-after)} short`} of ${formatBytes(d.capacityBytes)}`}
                </option>
              );
            })}
          </select>
        )}
      </FormField>
    </>
  );
}
