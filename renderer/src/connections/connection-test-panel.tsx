import type { ReactElement } from 'react';
import type { ConnectionTestResult } from '../../../electron/api/contract';
import type { LoadState } from '../stores/load-state';
import { LoadView } from '../app/load-view';

/** What "Test" found: product, counts, and CONN-* findings by rule ID. */
export function ConnectionTestPanel({ state }: { state: LoadState<ConnectionTestResult> }): ReactElement {
  return (
    <LoadView state={state} what="the connection test">
      {(r) => (
        <div className="card" data-testid={`test-result-${r.name}`}>
          <p>
            Logged in to <strong>{r.product}</strong> ({r.apiType === 'VirtualCenter' ? 'vCenter' : 'ESXi host'}, API {r.apiVersion}) as {r.user}.
          </p>
          <p className="muted">
            {r.counts.datacenters} datacenter(s), {r.counts.hosts} host(s), {r.counts.datastores} datastore(s), {r.counts.networks} network(s).
          </p>
          {r.findings.map((f) => (
            <div key={f.rule} className={`notice ${f.severity === 'block' ? 'notice-error' : 'notice-warn'}`}>
              <strong>{f.rule}:</strong> {f.message}
            </div>
          ))}
        </div>
      )}
    </LoadView>
  );
}
