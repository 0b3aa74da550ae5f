import { useState, type FormEvent, type ReactElement } from 'react';
import type { ServerProbe } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import { TrustCertificateDialog } from './trust-certificate-dialog';

interface Problem {
  message: string;
  hint?: string;
  rule?: string;
}

function problemOf(err: unknown): Problem {
  const e = err as { message?: string; hint?: string; rule?: string };
  return { message: e.message ?? String(err), hint: e.hint, rule: e.rule };
}

/**
 * Add a connection: read the certificate, let the user trust it explicitly,
 * log in once, save. The password lives only in this form's state until it is
 * handed to the engine, which puts it in the OS keychain.
 */
export function AddConnectionForm({ onAdded }: { onAdded: (name: string) => void }): ReactElement {
  const [url, setUrl] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [probe, setProbe] = useState<ServerProbe | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function checkCertificate(e: FormEvent): Promise<void> {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      setProbe(await api().connections.probe({ url }));
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function trustAndConnect(): Promise<void> {
    if (!probe) return;
    setBusy(true);
    setProblem(null);
    try {
      const added = await api().connections.add({ url, user, password, name: name.trim() || undefined, trustSha256: probe.thumbprintSha256 });
      setPassword('');
      setProbe(null);
      setUrl('');
      setName('');
      onAdded(added.name);
    } catch (err) {
      setProbe(null);
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={(e) => void checkCertificate(e)} aria-label="Add connection">
      <h2>Add a connection</h2>
      <div className="form-grid">
        <label>
          Server
          <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="e.g. vcenter.example.com or https://host:port/sdk" required />
        </label>
        <label>
          User
          <input value={user} onChange={(e) => setUser(e.target.value)} placeholder="e.g. administrator@vsphere.local" autoComplete="username" required />
        </label>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        </label>
        <label>
          Name <span className="muted">(optional)</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="empty: the server address" />
        </label>
      </div>
      {problem ? (
        <div className="notice notice-error" role="alert">
          {problem.rule ? <strong>{problem.rule}: </strong> : null}
          {problem.message}
          {problem.hint ? <div className="hint">{problem.hint}</div> : null}
        </div>
      ) : null}
      <button type="submit" className="button" disabled={busy}>
        {busy && !probe ? 'Reading certificate…' : 'Check certificate'}
      </button>
      {probe ? <TrustCertificateDialog probe={probe} busy={busy} onTrust={() => void trustAndConnect()} onCancel={() => setProbe(null)} /> : null}
    </form>
  );
}
