import { useEffect, useState, type ReactElement } from 'react';
import { LoadView } from '../app/load-view';
import { PageHeader } from '../app/page-header';
import { AddConnectionForm } from '../connections/add-connection-form';
import { ConnectionTestPanel } from '../connections/connection-test-panel';
import { SessionPasswordButton } from '../connections/session-password-button';
import { VmBrowser } from '../inventory/vm-browser';
import { useConnectionsStore } from '../stores/connections-store';
import { useInventoryStore } from '../stores/inventory-store';

/** Saved vCenter / ESXi connections. Passwords stay in the OS keychain; this page only learns that one is saved. */
export function ConnectionsPage(): ReactElement {
  const connections = useConnectionsStore((s) => s.connections);
  const tests = useConnectionsStore((s) => s.tests);
  const load = useConnectionsStore((s) => s.load);
  const test = useConnectionsStore((s) => s.test);
  const remove = useConnectionsStore((s) => s.remove);
  const browse = useInventoryStore((s) => s.browse);
  const [removeProblem, setRemoveProblem] = useState<string | null>(null);
  const [sessionPassword, setSessionPassword] = useState<string | null>(null);
  useEffect(() => {
    if (connections.status === 'idle') void load();
  }, [connections.status, load]);

  async function confirmRemove(name: string): Promise<void> {
    if (!window.confirm(`Remove the connection "${name}" and its saved password?`)) return;
    setRemoveProblem(null);
    await remove(name).catch((err: Error) => setRemoveProblem(err.message));
  }

  return (
    <section>
      <PageHeader title="Connections">
        vCenter Server and ESXi hosts Lifeboat restores to. Passwords are kept in the OS keychain.
      </PageHeader>
      <LoadView state={connections} what="connections">
        {(list) =>
          list.length === 0 ? (
            <div className="empty" data-testid="connections-empty">
              <p>No saved connections yet. Add one below, or from a terminal:</p>
              <p className="muted">
                <code>lifeboat connect add vcenter.example.com --user administrator@vsphere.local</code>
              </p>
            </div>
          ) : (
            <div className="table-scroll">
              <table className="table" aria-label="Saved connections">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Server</th>
                    <th>User</th>
                    <th>Kind</th>
                    <th>Password</th>
                    <th>Trusted certificate (SHA-256)</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => (
                    <tr key={c.name} data-testid={`connection-${c.name}`}>
                      <td>{c.name}</td>
                      <td>{c.url}</td>
                      <td>{c.user}</td>
                      <td>{c.kind === 'vcenter' ? 'vCenter' : c.kind === 'esxi' ? 'ESXi host' : 'unknown'}</td>
                      <td>{c.hasSavedPassword ? 'saved in keychain' : 'not saved'}</td>
                      <td className="mono">{c.thumbprintSha256 ?? 'not trusted yet'}</td>
                      <td className="actions">
                        <button type="button" className="button button-small" onClick={() => void test(c.name)}>
                          Test
                        </button>
                        <button type="button" className="button button-small" onClick={() => void browse(c.name)}>
                          Browse VMs
                        </button>
                        <SessionPasswordButton connection={c.name} onUsed={setSessionPassword} />
                        <button
                          type="button"
                          className="button button-small button-danger"
                          onClick={() => void confirmRemove(c.name)}
                        >
                          Remove
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </LoadView>
      {sessionPassword ? (
        <div className="notice" role="status">
          The password you gave is used for {sessionPassword} in this session only (not saved).
        </div>
      ) : null}
      {removeProblem ? (
        <div className="notice notice-error" role="alert">
          {removeProblem}
        </div>
      ) : null}
      {Object.entries(tests).map(([name, state]) => (
        <ConnectionTestPanel key={name} state={state} />
      ))}
      <VmBrowser />
      <AddConnectionForm onAdded={() => void load()} />
    </section>
  );
}
