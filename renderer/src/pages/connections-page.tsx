import { useEffect, type ReactElement } from 'react';
import { LoadView } from '../app/load-view';
import { PageHeader } from '../app/page-header';
import { useConnectionsStore } from '../stores/connections-store';

/** Saved vCenter / ESXi connections. Passwords stay in the OS keychain; this page only learns that one is saved. */
export function ConnectionsPage(): ReactElement {
  const connections = useConnectionsStore((s) => s.connections);
  const load = useConnectionsStore((s) => s.load);
  useEffect(() => {
    if (connections.status === 'idle') void load();
  }, [connections.status, load]);
  return (
    <section>
      <PageHeader title="Connections">vCenter Server and ESXi hosts Lifeboat restores to. Passwords are kept in the OS keychain.</PageHeader>
      <LoadView state={connections} what="connections">
        {(list) =>
          list.length === 0 ? (
            <div className="empty" data-testid="connections-empty">
              <p>No saved connections yet.</p>
              <p className="muted">
                From a terminal: <code>lifeboat connect add https://vcenter.example/sdk --user administrator@vsphere.local</code>
              </p>
            </div>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Server</th>
                  <th>User</th>
                  <th>Kind</th>
                  <th>Password</th>
                  <th>Trusted certificate (SHA-256)</th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr key={c.name}>
                    <td>{c.name}</td>
                    <td>{c.url}</td>
                    <td>{c.user}</td>
                    <td>{c.kind}</td>
                    <td>{c.hasSavedPassword ? 'saved in keychain' : 'not saved'}</td>
                    <td className="mono">{c.thumbprintSha256 ?? 'not trusted yet'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadView>
    </section>
  );
}
